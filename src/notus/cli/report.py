"""`notus report VERSION_DIR [--compare OTHER_VERSION_DIR] [--out DIR]`: a curation report as markdown + PNGs."""

from __future__ import annotations

import argparse
from pathlib import Path

from notus.report.build import DEFAULT_REPORTS_DIR, EXAMPLES_PER_GROUP, write_report


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report", help="write report.md and PNG figures describing a version (and a comparison)",
        description="Write a curation report of a version: where the records went, rating means per "
        "source, chosen-minus-rejected margins, ties, score/rationale mismatches with examples, benchmark "
        "contamination, and with --compare the share of prompts whose chosen completion differs between two "
        "versions built on the same input. Versions are immutable, so the report is written OUTSIDE the "
        f"version folder: by default to {DEFAULT_REPORTS_DIR}/<pipeline>-<version-id>[-vs-<pipeline>-"
        "<version-id>]/ (relative to the current directory). Prints the path of report.md.",
    )
    p.add_argument("version", help="a version folder (or a pipeline folder / its `latest`)")
    p.add_argument("--compare", metavar="OTHER_VERSION_DIR", default=None,
                   help="a version of another pipeline built on the same input, e.g. data/build/zephyr/latest")
    p.add_argument("--out", metavar="DIR", type=Path, default=None,
                   help=f"folder for report.md and the PNGs (default {DEFAULT_REPORTS_DIR}/<pipeline>-<version>"
                   "[-vs-<pipeline>-<version>]; never inside a version folder)")
    p.add_argument("--examples", type=int, default=EXAMPLES_PER_GROUP,
                   help=f"example rows per mismatch reason and source, and per contamination benchmark and "
                   f"method (default {EXAMPLES_PER_GROUP})")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    report = write_report(args.version, compare_with=args.compare, out=args.out, examples=args.examples)
    print(report)
    return 0
