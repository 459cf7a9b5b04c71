"""The review app's speed on a big build (issue 13 item 3): first page, next record, and memory over 500
record views, measured against a real `notus review` process over HTTP.

    first_page_s     the first GET of the `everything` queue page (every record of the build) after start
    next_record_s    median of 50 "next" steps: GET /next (a redirect) + the record page it names
    rss_mb           the server's resident memory after start, then after each 100 record views;
                     rss_growth_mb = last - first sample (flat memory: no growth with the records viewed)

Run alone: `python -m notus.bench.review --build DIR` (a version folder or its pipeline folder); `make bench`
runs it on its 64k-prompt build.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

from notus.core.version import Version

NOTUS = [sys.executable, "-m", "notus.cli.main"]


def rss_mb(pid: int) -> float:
    """Resident memory of a process now (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(build: Path, views: int = 500, steps: int = 50) -> dict[str, float | list[float]]:
    version = Version.open(build)
    records = version.rows("prompts")
    with tempfile.TemporaryDirectory(prefix="notus-bench-review-") as verdicts:
        started = time.perf_counter()
        proc = subprocess.Popen([*NOTUS, "review", str(version.path), "--port", "0", "--verdicts-dir", verdicts],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            url = ""
            while not url.startswith("http"):
                url = (proc.stdout.readline() if proc.stdout else "").strip()
                if not url and proc.poll() is not None:
                    raise RuntimeError(f"notus review failed: {proc.stderr.read() if proc.stderr else ''}")
            ready = time.perf_counter() - started
            with httpx2.Client(base_url=url.rstrip("/"), timeout=60) as client:
                return _figures(client, proc.pid, records, views, steps) | {"startup_s": round(ready, 3)}
        finally:
            proc.terminate()
            proc.wait(10)


def _figures(client: httpx2.Client, pid: int, records: int, views: int, steps: int) -> dict[str, float | list[float]]:
    t0 = time.perf_counter()
    first = client.get("/queue?queue=everything")
    first_page = time.perf_counter() - t0
    if first.status_code != 200 or "<tbody>" not in first.text:
        raise RuntimeError(f"first page: HTTP {first.status_code}")
    step_times = []
    at = 0
    for _ in range(steps):
        t0 = time.perf_counter()
        hop = client.get(f"/next?queue=everything&status=all&from_record={at}")
        page = client.get(hop.headers["location"])
        step_times.append(time.perf_counter() - t0)
        if page.status_code != 200:
            raise RuntimeError(f"next record: HTTP {page.status_code}")
        at = int(hop.headers["location"].split("/record/")[1].split("?")[0])
    samples = [rss_mb(pid)]
    stride = max(1, records // views)
    for n in range(views):
        client.get(f"/record/{(n * stride) % records}?queue=everything")
        if (n + 1) % 100 == 0:
            samples.append(rss_mb(pid))
    return {"first_page_s": round(first_page, 3), "next_record_s": round(statistics.median(step_times), 4),
            "next_record_max_s": round(max(step_times), 4), "rss_mb": [round(s, 1) for s in samples],
            "rss_growth_mb": round(samples[-1] - samples[0], 1)}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m notus.bench.review", description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, required=True, help="a version folder (or a pipeline folder)")
    parser.add_argument("--views", type=int, default=500)
    args = parser.parse_args()
    print(json.dumps(measure(args.build, args.views), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
