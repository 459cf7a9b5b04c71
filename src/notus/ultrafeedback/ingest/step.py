"""The `ultrafeedback.ingest` step: raw openbmb/UltraFeedback files -> prompts, responses, ratings, invalid
(and `ranks`, empty: UltraFeedback ranks nothing), the canonical tables of `notus.ingest.canonical`.

WHY it is shaped this way: ingest reads every byte of the input, so it sets the pace of the whole pipeline.
The files are cut into records in Python without copying (`ingest_formats`); each slab of ~256 MB of
records is parsed and checked exactly once by DuckDB, on all cores, into an in-memory table
(`ingest_sql.parse_sql`, then the full completion rules on the few odd records only); the four tables are
then appended from that table, side by side (`ranks` gets no query and is written empty), to one open zstd
Parquet writer each (`ingest_writers`).
Working slab by slab keeps memory flat whatever the input size: a DuckDB table holding the whole data
set would spill to disk and slow down several-fold.

Accounting: every record (non-blank line, Parquet row, JSON array element) gets one record_id and ends
in exactly one of `prompts` or `invalid`; a record in `invalid` has no row in the other tables. A file that
cannot be read as records at all stops the run with a one-line DataError naming it.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from notus.core.errors import DataError, first_line
from notus.core.sqlfile import literal
from notus.core.step import StepContext, polars_step
from notus.ingest import outcome
from notus.ingest.records import CHUNK_BYTES, RecordFile, RecordStream, plan_files
from notus.ingest.writers import TableWriters
from notus.ultrafeedback.ingest import parse as ingest_sql
from notus.ultrafeedback.ingest.tables import SCHEMAS, TABLES

DEFAULT_MAX_RECORD_BYTES = 8 << 20
SLAB_BYTES = 256 << 20  # input text parsed at a time: memory stays flat, per-slab overheads stay small
ROWS_PER_WRITE = 1 << 17
REQUIRED_PARQUET_COLUMNS = ("instruction", "completions")  # rows per Parquet row group (at most)

_OUTPUT_SQL = {  # table -> its query over a slab's parsed table; the biggest first, it finishes last
    "responses": ingest_sql.responses_sql,
    "ratings": ingest_sql.ratings_sql,
    "prompts": ingest_sql.prompts_sql,
    "invalid": ingest_sql.invalid_sql,
}


@polars_step("ultrafeedback.ingest", writes=TABLES, params=("max_record_bytes",), sources=("input",))
def ingest(ctx: StepContext) -> dict[str, pl.LazyFrame]:
    """Raw UltraFeedback records (JSONL, JSON, Parquet; a file or a folder) -> normalised tables; records
    that break the rules go to `invalid` with the reason and the file and line."""
    max_bytes = int(ctx.params.get("max_record_bytes") or DEFAULT_MAX_RECORD_BYTES)  # >= 1: the spec says so
    files = plan_files(ctx.sources["input"].paths, REQUIRED_PARQUET_COLUMNS, "UltraFeedback records")
    outputs = {t: ctx.output_path(t) for t in TABLES}
    records = write_tables(files, outputs, ctx.workdir, max_bytes)
    invalid = outcome.invalid_reasons(outputs["invalid"])
    outcome.check(records - sum(invalid.values()), invalid, ctx.sources["input"].uri)
    return {t: pl.scan_parquet(path) for t, path in outputs.items()}


def write_tables(
    files: list[RecordFile], outputs: dict[str, Path], workdir: Path, max_record_bytes: int,
    slab_bytes: int = SLAB_BYTES, chunk_bytes: int = CHUNK_BYTES,
) -> int:
    """Parse `files` slab by slab, each record once, and append each slab's rows to the four tables;
    returns the number of records read. (`chunk_bytes`: see RecordStream.) Parsing slab n+1 while slab n
    is written was tried: no faster on two cores, and it holds two slabs in memory."""
    stream = RecordStream(files, max_record_bytes, chunk_bytes)
    con = _connect(workdir)
    try:
        con.execute(_files_table(files))
        with TableWriters(outputs, SCHEMAS) as writers, ThreadPoolExecutor(max_workers=len(_OUTPUT_SQL)) as pool:
            cursors = {table: con.cursor() for table in _OUTPUT_SQL}  # one connection per writing thread
            for slab in stream.slabs(slab_bytes):
                _parse(con, slab, stream, "parsed")
                _write(cursors, writers, pool, "parsed")
    finally:
        con.close()  # closes its cursors too
    return stream.records


def _parse(con: duckdb.DuckDBPyConnection, slab: pa.RecordBatchReader, stream: RecordStream, table: str) -> None:
    """The slab's records -> `table`, verdicts included."""
    con.register("raw_records", slab)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS " + ingest_sql.parse_sql("raw_records"))
    except duckdb.Error as exc:
        if stream.error is not None:
            raise stream.error from None
        raise DataError(f"ingest failed: {first_line(exc)}") from None
    finally:
        con.unregister("raw_records")
    try:
        con.execute(ingest_sql.verdict_update_sql(table))
    except duckdb.Error as exc:
        raise DataError(f"ingest failed checking completions: {first_line(exc)}") from None


def _write(
    cursors: dict[str, duckdb.DuckDBPyConnection], writers: TableWriters, pool: ThreadPoolExecutor, parsed: str
) -> None:
    """Append the slab in table `parsed` to the four tables side by side, each through its own cursor.
    WHY side by side: DuckDB splits a table scan by row group (~120k rows), so one slab is one row group
    and each query alone would run on one core."""

    def write(table: str) -> None:
        try:
            writers.write(table, cursors[table].sql(_OUTPUT_SQL[table](parsed)).to_arrow_reader(ROWS_PER_WRITE))
        except duckdb.Error as exc:
            raise DataError(f"ingest failed writing '{table}': {first_line(exc)}") from None

    for future in [pool.submit(write, table) for table in _OUTPUT_SQL]:
        future.result()


def _connect(workdir: Path) -> duckdb.DuckDBPyConnection:
    """All cores; a memory limit and a spill folder inside the step's scratch space (same knobs as the
    engine's own connection: NOTUS_MEMORY_LIMIT, NOTUS_THREADS)."""
    spill = workdir / "duckdb_tmp"
    spill.mkdir(parents=True, exist_ok=True)
    config: dict[str, str | bool | int] = {
        "memory_limit": os.environ.get("NOTUS_MEMORY_LIMIT", "3GB"),
        "temp_directory": str(spill),
        "preserve_insertion_order": True,
        "threads": int(os.environ.get("NOTUS_THREADS") or os.cpu_count() or 1),
    }
    return duckdb.connect(config=config)


def _files_table(files: list[RecordFile]) -> str:
    rows = ", ".join(f"({i}, {literal(f.name)}, {literal(f.kind)})" for i, f in enumerate(files))
    if not rows:
        return "CREATE TABLE ingest_files (file_idx INTEGER, file VARCHAR, kind VARCHAR)"
    return (f"CREATE TABLE ingest_files AS SELECT CAST(file_idx AS INTEGER) AS file_idx, file, kind "
            f"FROM (VALUES {rows}) AS t(file_idx, file, kind)")
