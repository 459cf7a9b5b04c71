"""`notus run PIPELINE.yaml`: build a version (or reuse it) and print its folder last."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from notus.core import digests, memo
from notus.core.errors import UsageError

# WHY no engine import here: an unchanged rebuild is answered from the no-op memo (notus.core.memo) at the
# cost of starting Python; polars, pyarrow and duckdb are imported only when something must be computed,
# while a new input given on the command line is already being hashed (notus.core.digests.prefetch).
DEFAULT_BUILD_DIR = Path("data/build")  # notus.core.runner.DEFAULT_BUILD_DIR, kept equal by a test


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run",
        help="build a pipeline into a new immutable version (reused when nothing changed)",
        description="Build PIPELINE.yaml. Prints one line per step (rows, time) on stderr and the version "
        "folder as the last line on stdout.",
    )
    p.add_argument("pipeline", type=Path, help="pipeline spec, e.g. pipelines/notus.yaml")
    p.add_argument("--input", metavar="URI", help="the `input` source: file, folder or hf://datasets/ORG/NAME")
    p.add_argument("--benchmarks", metavar="DIR", help="the `benchmarks` source (decontamination pipelines)")
    p.add_argument("--source", action="append", default=[], metavar="NAME=URI", help="set any named source")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a param")
    p.add_argument("--build-dir", type=Path, default=DEFAULT_BUILD_DIR, help="store root (default data/build)")
    p.add_argument("--catalog", type=Path, help="DuckDB catalog file (default: BUILD_DIR/../notus.duckdb)")
    p.add_argument("--quiet", action="store_true", help="print only the version folder")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    sets = dict(_pair(item, "--set") for item in args.set)
    sources = dict(_pair(item, "--source") for item in args.source)
    if args.input:
        sources["input"] = args.input
    if args.benchmarks:
        sources["benchmarks"] = args.benchmarks
    key = memo.request_key(args.pipeline, args.build_dir, sets, sources, args.catalog)
    hit = memo.reusable(memo.lookup(memo.memo_path(args.build_dir, args.pipeline), key))
    if hit is not None:
        if not args.quiet:
            print(f"notus: {hit['pipeline']} version {hit['version_id']} is up to date: reused all {hit['steps']} "
                  "steps, nothing recomputed", file=sys.stderr)
        print(hit["printed"])
        return 0
    digests.prefetch(sources.values(), args.build_dir / ".cache")  # hashed beside the imports below
    from notus.core.progress import Progress
    from notus.core.runner import run

    result = run(
        args.pipeline, build_dir=args.build_dir, sets=sets, sources=sources, catalog=args.catalog,
        progress=Progress(quiet=args.quiet), memo_key=key,
    )
    print(result.version_dir)
    return 0


def _pair(item: str, flag: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep or not key:
        raise UsageError(f"{flag} expects KEY=VALUE, got {item!r}")
    return key.strip(), value
