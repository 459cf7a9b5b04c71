"""Wall time and peak RSS of one command, measured in a process of its own.

`ru_maxrss` of RUSAGE_CHILDREN is the largest of all children ever waited for, so each measured command
runs under a fresh intermediate Python that has exactly one child: the command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass

_WRAPPER = """
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall_s": wall, "peak_rss_mb": rss / 1024, "rc": proc.returncode, "stderr": proc.stderr[-4000:]}))
"""


@dataclass(frozen=True)
class Measurement:
    name: str
    wall_s: float
    peak_rss_mb: float

    def as_dict(self) -> dict[str, float | str]:
        return {"name": self.name, "wall_s": round(self.wall_s, 3), "peak_rss_mb": round(self.peak_rss_mb, 1)}


def measure(name: str, argv: list[str], env: dict[str, str] | None = None) -> Measurement:
    out = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *argv], capture_output=True, text=True,
        env={**os.environ, **(env or {})}, check=False,
    )
    if out.returncode != 0 or not out.stdout.strip():
        raise RuntimeError(f"{name}: measuring failed: {out.stderr[-2000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["rc"] != 0:
        raise RuntimeError(f"{name}: command failed ({result['rc']}): {result['stderr']}")
    return Measurement(name, result["wall_s"], result["peak_rss_mb"])
