"""`notus sample`: write synthetic preference data with planted defects and their ground truth.

The data is SYNTHETIC: made-up prompts and responses with the real releases' shapes, quirks and known
defects, for running and testing the pipelines offline. By default raw UltraFeedback records
(OUT/ultrafeedback/); `--shape pairwise|rated|ranked` writes another shape in a published schema instead
(`--schema`: pairwise hh-rlhf (default) or ultrafeedback-binarized, rated helpsteer2, ranked nectar) to
OUT/<schema>/ with its truth in OUT/<schema>-truth.parquet. Prints every path written; the last line is OUT.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from notus.core.errors import UsageError
from notus.sample.generate import DEFAULT_CONTAMINATION_RATE, write_sample
from notus.sample.shape_files import DEFAULT_SCHEMA, schema_for, write_shape
from notus.sample.shapes import SCHEMAS
from notus.sample.writers import FORMATS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sample", help="write synthetic UltraFeedback data with planted defects",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--prompts", type=int, default=3000, help="number of records (prompts) (default 3000)")
    p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    p.add_argument("--out", type=Path, default=Path("data/sample"), help="output folder (default data/sample)")
    p.add_argument("--format", choices=FORMATS, default="jsonl", dest="fmt", help="record file format")
    p.add_argument("--shards", type=int, default=1, help="number of record files (default 1)")
    p.add_argument("--benchmarks", type=Path, action="append", default=[], metavar="DIR",
                   help="plant copies of the benchmark items in DIR (laid out like shared/data/benchmarks) "
                        "instead of the synthetic set; repeatable")
    p.add_argument("--with-synthetic-benchmarks", action="store_true",
                   help="with --benchmarks: also write and plant the synthetic benchmark set")
    p.add_argument("--contamination-rate", type=float, default=DEFAULT_CONTAMINATION_RATE, metavar="R",
                   help=f"share of prompts carrying a planted benchmark copy, and as many near-miss controls "
                        f"(default {DEFAULT_CONTAMINATION_RATE})")
    p.add_argument("--shape", choices=("ultrafeedback", *DEFAULT_SCHEMA), default="ultrafeedback",
                   help="what to write: raw UltraFeedback (default), or pairwise, rated or ranked records")
    p.add_argument("--schema", choices=tuple(SCHEMAS), default=None,
                   help="the published schema of a --shape sample (default: hh-rlhf, helpsteer2, nectar)")
    p.add_argument("--jobs", type=int, default=0, metavar="N",
                   help="worker processes (default 0: automatic, from 20,000 prompts and 4 CPUs, up to 8); the "
                        "output does not depend on it")
    p.add_argument("--short-records", action="store_true",
                   help="cut responses and rationales (~4-5 kB per record instead of ~12; the same records "
                        "otherwise): the short-record shape `make bench` measures")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    if args.shape != "ultrafeedback" or args.schema is not None:
        if args.shape == "ultrafeedback":
            raise UsageError("--schema needs --shape pairwise, rated or ranked")
        shape = write_shape(args.out, schema_for(args.shape, args.schema), args.prompts, args.seed, args.fmt)
        for path in shape.paths:
            print(path)
        print(f"{shape.records} records, truth rows: " + (", ".join(f"{k} {n}" for k, n in shape.truth.items())
                                                          or "none"))
        print(args.out)
        return 0
    result = write_sample(
        args.out,
        prompts=args.prompts,
        seed=args.seed,
        fmt=args.fmt,
        shards=args.shards,
        benchmark_dirs=args.benchmarks,
        synthetic_benchmarks=True if args.with_synthetic_benchmarks else None,
        contamination_rate=args.contamination_rate,
        jobs=args.jobs,
        short_records=args.short_records,
    )
    for path in result.paths:
        print(path)
    print(f"{result.records} records, {result.completions} completions, truth rows: "
          + ", ".join(f"{kind} {count}" for kind, count in result.truth_counts.items()))
    print(result.out)
    return 0
