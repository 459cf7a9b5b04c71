"""What the three format steps share: from a resolved input to the canonical tables, every record
accounted for (in `prompts` or in `invalid`), and the outcome checked before curation builds on it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa

from notus.core.step import StepContext
from notus.ingest import canonical, outcome, slabs
from notus.ingest.records import RecordFile, plan_files
from notus.ingest.writers import TableWriters

DEFAULT_MAX_RECORD_BYTES = 8 << 20
TABLES = canonical.TABLES
Parse = Callable[[str], str]  # raw records' table -> the uniform parsed table (see notus.ingest.canonical)


def run(ctx: StepContext, parse: Parse, what: str, *, scale: tuple[float, float] = (0.0, 0.0)) -> dict[str, Any]:
    """Parse the `input` source slab by slab into the canonical tables, one record per input row. `what`
    names the records in messages; `scale` is the one (min, max) of every rating."""

    def work(con: duckdb.DuckDBPyConnection, files: list[RecordFile], writers: TableWriters) -> int:
        appender = slabs.TableAppender(con, writers, canonical.output_sql(scale))
        try:
            return slabs.ingest_slabs(files, parse, con, max_bytes(ctx), lambda _: appender.append())
        finally:
            appender.close()

    return run_with(ctx, what, canonical.SCHEMAS, work)


Work = Callable[[duckdb.DuckDBPyConnection, list[RecordFile], TableWriters], int]


def run_with(ctx: StepContext, what: str, schemas: Mapping[str, pa.Schema], work: Work) -> dict[str, Any]:
    """Open the files, the connection and the writers, let `work` fill the tables (it returns the number
    of input records), then check the outcome: no valid record at all is an error, many invalid ones a
    warning."""
    files = plan_files(ctx.sources["input"].paths, (), what)
    outputs = {t: ctx.output_path(t) for t in schemas}
    con = slabs.connect(ctx.workdir)
    try:
        with TableWriters(outputs, schemas) as writers:
            records = work(con, files, writers)
    finally:
        con.close()
    invalid = outcome.invalid_reasons(outputs["invalid"])
    outcome.check(records - sum(invalid.values()), invalid, ctx.sources["input"].uri)
    return {t: pl.scan_parquet(path) for t, path in outputs.items()}


def max_bytes(ctx: StepContext) -> int:
    return int(ctx.params.get("max_record_bytes") or DEFAULT_MAX_RECORD_BYTES)
