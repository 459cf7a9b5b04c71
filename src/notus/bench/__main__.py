"""`make bench`: one run, one report, ratios against baselines measured in the same run.

(a) pipelines/notus.yaml end to end on a generated 64k-prompt input and on 10x that;
(b) the notebook baseline (datasets + Dataset.map) on the same 64k input;
(c) decontamination of the 64k prompts against the four benchmark sets;
(d) a no-op rebuild; (e) the floor: DuckDB copying the raw input to one zstd Parquet file.
Inputs are generated once into bench/work and reused; timings are not. Results: bench/results.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

from notus.bench import review as bench_review
from notus.bench.measure import Measurement, measure
from notus.core.version import Version

REPO = Path(__file__).resolve().parents[3]
SHARED_BENCHMARKS = REPO.parent / "shared" / "data" / "benchmarks"
NOTUS = [sys.executable, "-m", "notus.cli.main"]

TARGETS = {
    "notus_64k_vs_floor": ("<=", 2.5),
    "baseline_vs_notus_64k": (">=", 6.0),
    "notus_640k_vs_64k": ("<=", 12.0),
    "notus_640k_peak_rss_mb": ("<=", 4096.0),
    "noop_rebuild_s": ("<=", 1.0),
    "decontamination_64k_s": ("<=", 3.0),
    "review_first_page_s": ("<=", 1.0),  # notus review on the 64k build (notus.bench.review)
    "review_next_record_s": ("<=", 0.2),
    "review_rss_growth_mb": ("<=", 50.0),
}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m notus.bench", description=__doc__)
    parser.add_argument("--prompts", type=int, default=64_000)
    parser.add_argument("--scale", type=int, default=10, help="the large run is prompts x scale (0 skips it)")
    parser.add_argument("--work", type=Path, default=REPO / "bench" / "work")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.json")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    n = args.prompts
    small = ensure_input(args.work, n)
    results: list[Measurement] = []
    extra: dict[str, float] = {}

    floor = measure(f"floor_{label(n)}", [sys.executable, "-m", "notus.bench.floor", str(small),
                                          str(args.work / "floor.parquet")])
    results.append(floor)
    build = args.work / "build"
    shutil.rmtree(build, ignore_errors=True)
    run = [*NOTUS, "run", str(REPO / "pipelines" / "notus.yaml"), "--input", str(small), "--build-dir", str(build),
           "--catalog", str(args.work / "notus.duckdb"), "--quiet"]
    notus_small = measure(f"notus_{label(n)}", run)
    results.append(notus_small)
    results.append(measure("noop_rebuild", run))
    extra["per_step_s"] = step_seconds(build / "notus" / "latest")  # type: ignore[assignment]
    extra["review"] = bench_review.measure(build / "notus" / "latest")  # type: ignore[assignment]

    benchmarks = SHARED_BENCHMARKS if SHARED_BENCHMARKS.is_dir() else small.parent / "benchmarks"
    cleaned = measure(f"notus_cleaned_{label(n)}", [
        *NOTUS, "run", str(REPO / "pipelines" / "notus-cleaned.yaml"), "--input", str(small),
        "--benchmarks", str(benchmarks), "--build-dir", str(build), "--catalog", str(args.work / "notus.duckdb"),
        "--quiet"])
    results.append(cleaned)
    decont = step_seconds(build / "notus-cleaned" / "latest")
    extra["decontamination_s"] = sum(v for k, v in decont.items() if "contamin" in k)
    extra["benchmarks"] = str(benchmarks)  # type: ignore[assignment]

    if not args.skip_baseline:
        results.append(measure(f"baseline_datasets_map_{label(n)}", [
            sys.executable, "-m", "notus.bench.baseline", str(small), str(args.work / "baseline.parquet")]))

    if args.scale:
        big_n = n * args.scale
        big = ensure_input(args.work, big_n)
        results.append(measure(f"floor_{label(big_n)}", [sys.executable, "-m", "notus.bench.floor", str(big),
                                                         str(args.work / "floor-big.parquet")]))
        big_build = args.work / "build-big"
        shutil.rmtree(big_build, ignore_errors=True)
        results.append(measure(f"notus_{label(big_n)}", [
            *NOTUS, "run", str(REPO / "pipelines" / "notus.yaml"), "--input", str(big), "--build-dir", str(big_build),
            "--catalog", str(args.work / "notus-big.duckdb"), "--quiet"]))
        extra["per_step_big_s"] = step_seconds(big_build / "notus" / "latest")  # type: ignore[assignment]
        shutil.rmtree(big_build, ignore_errors=True)

    report = summarise(results, extra, n, args.scale)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print_report(report)
    print(f"\nwritten {args.out}")
    return 0


def label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def ensure_input(work: Path, n: int) -> Path:
    """Generate (once) a sample of n prompts; returns the raw-records folder."""
    folder = work / f"sample-{label(n)}"
    done = folder / ".done"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        shards = max(1, n // 64_000)
        cmd = [*NOTUS, "sample", "--prompts", str(n), "--seed", "7", "--out", str(folder), "--shards", str(shards)]
        if SHARED_BENCHMARKS.is_dir():
            cmd += ["--benchmarks", str(SHARED_BENCHMARKS)]
        print(f"generating {n:,} prompts into {folder} …", file=sys.stderr, flush=True)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        done.touch()
    return folder / "ultrafeedback"


def step_seconds(version: Path) -> dict[str, float]:
    steps = Version.open(version).manifest["steps"]
    return {s["name"]: s["seconds"] for s in steps}


def summarise(results: list[Measurement], extra: dict, n: int, scale: int) -> dict:  # type: ignore[type-arg]
    by = {m.name: m for m in results}
    small, big = label(n), label(n * scale)
    ratios: dict[str, float] = {
        "notus_64k_vs_floor": by[f"notus_{small}"].wall_s / by[f"floor_{small}"].wall_s,
        "noop_rebuild_s": by["noop_rebuild"].wall_s,
        "decontamination_64k_s": float(extra["decontamination_s"]),
    }
    if f"baseline_datasets_map_{small}" in by:
        ratios["baseline_vs_notus_64k"] = by[f"baseline_datasets_map_{small}"].wall_s / by[f"notus_{small}"].wall_s
        ratios["floor_vs_baseline"] = by[f"floor_{small}"].wall_s / by[f"baseline_datasets_map_{small}"].wall_s
    if scale and f"notus_{big}" in by:
        ratios["notus_640k_vs_64k"] = by[f"notus_{big}"].wall_s / by[f"notus_{small}"].wall_s
        ratios["notus_640k_peak_rss_mb"] = by[f"notus_{big}"].peak_rss_mb
        ratios["notus_640k_vs_floor"] = by[f"notus_{big}"].wall_s / by[f"floor_{big}"].wall_s
    ratios.update({f"review_{k}": v for k, v in extra.get("review", {}).items() if f"review_{k}" in TARGETS})
    verdicts = {}
    for key, (op, bound) in TARGETS.items():
        if key in ratios:
            ok = ratios[key] <= bound if op == "<=" else ratios[key] >= bound
            verdicts[key] = {"value": round(ratios[key], 3), "target": f"{op} {bound:g}", "met": ok}
    return {
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "prompts": n,
        "measurements": [m.as_dict() for m in results],
        "ratios": {k: round(v, 3) for k, v in ratios.items()},
        "targets": verdicts,
        "details": extra,
    }


def print_report(report: dict) -> None:  # type: ignore[type-arg]
    print(f"\n{'measurement':<32} {'wall s':>9} {'peak RSS MB':>12}")
    for m in report["measurements"]:
        print(f"{m['name']:<32} {m['wall_s']:>9.2f} {m['peak_rss_mb']:>12.0f}")
    print(f"\n{'target':<28} {'value':>9}  {'goal':<10} met")
    for key, v in report["targets"].items():
        print(f"{key:<28} {v['value']:>9.2f}  {v['target']:<10} {'yes' if v['met'] else 'NO'}")
    other = {k: v for k, v in report["ratios"].items() if k not in report["targets"]}
    for key, value in other.items():
        print(f"{key:<28} {value:>9.2f}")


if __name__ == "__main__":
    sys.exit(main())
