"""`notus query "SQL"`: ask the catalog (views over every pipeline's latest version)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from notus.core import catalog
from notus.core.errors import DataError, first_line
from notus.core.runner import DEFAULT_BUILD_DIR


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "query", help="run SQL against the catalog and print a table",
        description="Run SQL against data/notus.duckdb: schema per pipeline (notus.preferences, "
        "zephyr.completions, ...) and a `versions` view.",
    )
    p.add_argument("sql", help='e.g. "select reason, count(*) from notus.dropped group by all"')
    p.add_argument("--catalog", type=Path, default=None, help="catalog file (default data/notus.duckdb)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--max-rows", type=int, default=40, help="rows shown in table format")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    path = args.catalog or catalog.default_catalog(DEFAULT_BUILD_DIR)
    con = catalog.connect_readonly(path)
    try:
        rel = con.sql(args.sql)
        if rel is None:
            return 0
        frame = rel.pl()
    except duckdb.Error as exc:
        raise DataError(f"query failed: {first_line(exc)}") from None
    finally:
        con.close()
    if args.format == "csv":
        frame.write_csv(sys.stdout)
    elif args.format == "json":
        sys.stdout.write(frame.write_json() + "\n")
    else:
        import polars as pl

        with pl.Config(tbl_rows=args.max_rows, tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=200,
                       tbl_hide_dataframe_shape=True):
            print(frame)
        print(f"({frame.height:,} rows)")
    return 0
