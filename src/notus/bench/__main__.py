"""`make bench`: one run, one report, ratios against baselines measured in the same run.

For each record shape — `default` (the sample's, ~12 kB per record) and `short` (`notus sample
--short-records`, ~5.5 kB) — on a generated 64k-prompt input:
(a) the floor: DuckDB alone copying the raw input to one zstd Parquet file;
(b) pipelines/notus.yaml end to end, and its fixed cost: the wall time outside the steps (process start to
    the first step, after the last step to exit: imports, source hashing, fingerprints, audits, catalog);
(c) a no-op rebuild (median of 3), against a bare `python -c "import duckdb, polars, pyarrow"` (median of 3);
(d) the notebook baseline (datasets + Dataset.map).
On the default shape also: decontamination (notus-cleaned), the review app (notus.bench.review), and the
pipeline on 10x the prompts with its peak RSS. Inputs are generated once into bench/work and reused;
timings are not. Results: bench/results.json. `--quick` is a smoke run (8k prompts, no 10x, no baseline).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from notus.bench import review as bench_review
from notus.bench.measure import Measurement, measure
from notus.core.version import Version

REPO = Path(__file__).resolve().parents[3]
SHARED_BENCHMARKS = REPO.parent / "shared" / "data" / "benchmarks"
NOTUS = [sys.executable, "-m", "notus.cli.main"]
SHAPES = {"default": [], "short": ["--short-records"]}  # name -> extra `notus sample` arguments
BARE_IMPORT = [sys.executable, "-c", "import duckdb, polars, pyarrow"]

TARGETS = {
    "notus_vs_floor_default": ("<=", 2.0),
    "notus_vs_floor_short": ("<=", 2.0),
    "baseline_vs_notus_default": (">=", 6.0),
    "baseline_vs_notus_short": (">=", 6.0),
    "noop_vs_bare_import": ("<=", 1.25),
    "fixed_cost_vs_bare_import_default": ("<=", 1.0),
    "fixed_cost_vs_bare_import_short": ("<=", 1.0),
    "notus_10x_vs_1x": ("<=", 12.0),
    "notus_10x_peak_rss_mb": ("<=", 3072.0),
    "decontamination_s": ("<=", 3.0),
    "review_first_page_s": ("<=", 1.0),  # notus review on the default build (notus.bench.review)
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
    parser.add_argument("--quick", action="store_true", help="8k prompts, no 10x run, no notebook baseline")
    args = parser.parse_args()
    if args.quick:
        args.prompts, args.scale, args.skip_baseline = 8_000, 0, True
    args.work.mkdir(parents=True, exist_ok=True)
    n = args.prompts
    results: list[Measurement] = [median_of("bare_import", BARE_IMPORT, 3)]
    extra: dict[str, object] = {}
    for shape in SHAPES:
        results += bench_shape(args, shape, extra)

    default_build = args.work / "build-default"
    extra["review"] = bench_review.measure(default_build / "notus" / "latest")
    benchmarks = SHARED_BENCHMARKS if SHARED_BENCHMARKS.is_dir() else ensure_input(args.work, n).parent / "benchmarks"
    results.append(measure("notus_cleaned_default", [
        *NOTUS, "run", str(REPO / "pipelines" / "notus-cleaned.yaml"), "--input", str(ensure_input(args.work, n)),
        "--benchmarks", str(benchmarks), "--build-dir", str(default_build),
        "--catalog", str(args.work / "notus-default.duckdb"), "--quiet"]))
    decont = step_seconds(default_build / "notus-cleaned" / "latest")
    extra["decontamination_s"] = sum(v for k, v in decont.items() if "contamin" in k)
    extra["benchmarks"] = str(benchmarks)

    if args.scale:
        big_n = n * args.scale
        big = ensure_input(args.work, big_n)
        results.append(measure("floor_10x", [sys.executable, "-m", "notus.bench.floor", str(big),
                                             str(args.work / "floor-big.parquet")]))
        big_build = args.work / "build-big"
        shutil.rmtree(big_build, ignore_errors=True)
        results.append(measure("notus_10x", [
            *NOTUS, "run", str(REPO / "pipelines" / "notus.yaml"), "--input", str(big), "--build-dir", str(big_build),
            "--catalog", str(args.work / "notus-big.duckdb"), "--quiet"]))
        extra["per_step_10x_s"] = step_seconds(big_build / "notus" / "latest")
        shutil.rmtree(big_build, ignore_errors=True)
        (args.work / "floor-big.parquet").unlink(missing_ok=True)

    report = summarise(results, extra, n, args.scale)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print_report(report)
    print(f"\nwritten {args.out}")
    return 0


def bench_shape(args: argparse.Namespace, shape: str, extra: dict[str, object]) -> list[Measurement]:
    """Floor, a fresh run, its fixed cost, a no-op and the notebook baseline on one record shape."""
    raw = ensure_input(args.work, args.prompts, shape)
    size = sum(p.stat().st_size for p in raw.rglob("*") if p.is_file())
    extra[f"bytes_per_record_{shape}"] = round(size / args.prompts)
    out: list[Measurement] = [measure(f"floor_{shape}", [sys.executable, "-m", "notus.bench.floor", str(raw),
                                                         str(args.work / "floor.parquet")])]
    (args.work / "floor.parquet").unlink(missing_ok=True)
    build = args.work / f"build-{shape}"
    shutil.rmtree(build, ignore_errors=True)
    run = [*NOTUS, "run", str(REPO / "pipelines" / "notus.yaml"), "--input", str(raw), "--build-dir", str(build),
           "--catalog", str(args.work / f"notus-{shape}.duckdb"), "--quiet"]
    fresh = measure(f"notus_{shape}", run)
    steps = step_seconds(build / "notus" / "latest")
    extra[f"per_step_{shape}_s"] = steps
    extra[f"fixed_cost_{shape}_s"] = round(fresh.wall_s - sum(steps.values()), 3)
    out += [fresh, median_of(f"noop_{shape}", run, 3)]
    if not args.skip_baseline:
        out.append(measure(f"baseline_datasets_map_{shape}", [
            sys.executable, "-m", "notus.bench.baseline", str(raw), str(args.work / "baseline.parquet")]))
        (args.work / "baseline.parquet").unlink(missing_ok=True)
    return out


def median_of(name: str, argv: list[str], times: int) -> Measurement:
    runs = [measure(name, argv) for _ in range(times)]
    return Measurement(name, statistics.median(m.wall_s for m in runs), max(m.peak_rss_mb for m in runs))


def label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def ensure_input(work: Path, n: int, shape: str = "default") -> Path:
    """Generate (once) a sample of n prompts of a record shape; returns the raw-records folder."""
    folder = work / (f"sample-{label(n)}" + ("" if shape == "default" else f"-{shape}"))
    done = folder / ".done"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        shards = max(1, n // 64_000)
        cmd = [*NOTUS, "sample", "--prompts", str(n), "--seed", "7", "--out", str(folder), "--shards", str(shards),
               *SHAPES[shape]]
        if SHARED_BENCHMARKS.is_dir():
            cmd += ["--benchmarks", str(SHARED_BENCHMARKS)]
        print(f"generating {n:,} prompts ({shape} records) into {folder} …", file=sys.stderr, flush=True)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        done.touch()
    return folder / "ultrafeedback"


def step_seconds(version: Path) -> dict[str, float]:
    steps = Version.open(version).manifest["steps"]
    return {s["name"]: s["seconds"] for s in steps}


def summarise(results: list[Measurement], extra: dict, n: int, scale: int) -> dict:  # type: ignore[type-arg]
    by = {m.name: m for m in results}
    bare = by["bare_import"].wall_s
    ratios: dict[str, float] = {"noop_vs_bare_import": max(by[f"noop_{s}"].wall_s for s in SHAPES) / bare}
    for shape in SHAPES:
        notus = by[f"notus_{shape}"].wall_s
        ratios[f"notus_vs_floor_{shape}"] = notus / by[f"floor_{shape}"].wall_s
        ratios[f"fixed_cost_vs_bare_import_{shape}"] = float(extra[f"fixed_cost_{shape}_s"]) / bare
        if f"baseline_datasets_map_{shape}" in by:
            ratios[f"baseline_vs_notus_{shape}"] = by[f"baseline_datasets_map_{shape}"].wall_s / notus
    if scale and "notus_10x" in by:
        ratios["notus_10x_vs_1x"] = by["notus_10x"].wall_s / by["notus_default"].wall_s
        ratios["notus_10x_peak_rss_mb"] = by["notus_10x"].peak_rss_mb
        ratios["notus_10x_vs_floor"] = by["notus_10x"].wall_s / by["floor_10x"].wall_s
    ratios["decontamination_s"] = float(extra["decontamination_s"])
    ratios.update({f"review_{k}": v for k, v in extra.get("review", {}).items() if f"review_{k}" in TARGETS})
    verdicts = {}
    for key, (op, bound) in TARGETS.items():
        if key in ratios:
            ok = ratios[key] <= bound if op == "<=" else ratios[key] >= bound
            verdicts[key] = {"value": round(ratios[key], 3), "target": f"{op} {bound:g}", "met": ok}
    return {
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average": os.getloadavg()},
        "prompts": n,
        "scale": scale,
        "measurements": [m.as_dict() for m in results],
        "ratios": {k: round(v, 3) for k, v in ratios.items()},
        "targets": verdicts,
        "details": extra,
    }


def print_report(report: dict) -> None:  # type: ignore[type-arg]
    print(f"\n{'measurement':<32} {'wall s':>9} {'peak RSS MB':>12}")
    for m in report["measurements"]:
        print(f"{m['name']:<32} {m['wall_s']:>9.2f} {m['peak_rss_mb']:>12.0f}")
    print(f"\n{'target':<36} {'value':>9}  {'goal':<10} met")
    for key, v in report["targets"].items():
        print(f"{key:<36} {v['value']:>9.2f}  {v['target']:<10} {'yes' if v['met'] else 'NO'}")
    other = {k: v for k, v in report["ratios"].items() if k not in report["targets"]}
    for key, value in other.items():
        print(f"{key:<36} {value:>9.2f}")


if __name__ == "__main__":
    sys.exit(main())
