"""The `ultrafeedback.ingest` step: raw openbmb/UltraFeedback files -> prompts, responses, ratings, invalid.

WHY it is shaped this way: ingest reads every byte of the input, so it sets the pace of the whole pipeline.
The files are cut into records in Python without copying (`ingest_formats`), each record is parsed and
checked exactly once by DuckDB into a temporary table (`ingest_sql.parse_sql`), and the four tables are
written from that table with `COPY ... TO` (zstd Parquet) straight into the step's outputs, on all cores,
spilling to the step's scratch folder rather than holding the data set in memory.

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

from notus.core.errors import DataError
from notus.core.step import StepContext, polars_step
from notus.ultrafeedback import ingest_sql
from notus.ultrafeedback.ingest_formats import RecordFile, RecordStream, plan_files

DEFAULT_MAX_RECORD_BYTES = 8 << 20

TABLES: dict[str, tuple[str, ...]] = {
    "prompts": ("record_id", "prompt_id", "source", "prompt", "n_completions", "record_hash", "file", "line"),
    "responses": ("record_id", "prompt_id", "completion_index", "model", "principle", "response", "critique",
                  "overall_score", "fine_grained_score"),
    "ratings": ("record_id", "prompt_id", "completion_index", "aspect", "rating", "rating_raw", "rationale",
                "rationale_for_rating", "types"),
    "invalid": ("record_id", "prompt_id", "reason", "detail"),
}

_OUTPUT_SQL = {
    "prompts": ingest_sql.PROMPTS_SQL,
    "responses": ingest_sql.responses_sql(),
    "ratings": ingest_sql.ratings_sql(),
    "invalid": ingest_sql.INVALID_SQL,
}


@polars_step("ultrafeedback.ingest", writes=TABLES, params=("max_record_bytes",), sources=("input",))
def ingest(ctx: StepContext) -> dict[str, pl.LazyFrame]:
    """Raw UltraFeedback records (JSONL, JSON, Parquet; a file or a folder) -> normalised tables; records
    that break the rules go to `invalid` with the reason and the file and line."""
    max_bytes = int(ctx.params.get("max_record_bytes") or DEFAULT_MAX_RECORD_BYTES)
    if max_bytes < 1:
        raise DataError(f"max_record_bytes must be >= 1, got {max_bytes}")
    files = plan_files(ctx.sources["input"].paths)
    write_tables(files, {t: ctx.output_path(t) for t in TABLES}, ctx.workdir, max_bytes)
    return {t: pl.scan_parquet(ctx.output_path(t)) for t in TABLES}


def write_tables(files: list[RecordFile], outputs: dict[str, Path], workdir: Path, max_record_bytes: int) -> int:
    """Parse `files` once and write the four tables to `outputs`; returns the number of records read."""
    stream = RecordStream(files, max_record_bytes)
    con = _connect(workdir)
    try:
        con.register("raw_records", stream.reader())
        con.execute(_files_table(files))
        try:
            con.execute("CREATE TABLE parsed AS " + ingest_sql.parse_sql("raw_records"))
        except duckdb.Error as exc:
            if stream.error is not None:
                raise stream.error from None
            raise DataError(f"ingest failed: {_first_line(exc)}") from None
        con.unregister("raw_records")
        try:
            con.execute(ingest_sql.verdict_update_sql("parsed"))
        except duckdb.Error as exc:
            raise DataError(f"ingest failed checking completions: {_first_line(exc)}") from None
        _copy_all(con, {table: (query, outputs[table]) for table, query in _OUTPUT_SQL.items()})
    finally:
        con.close()
    return stream.records


def _copy_all(con: duckdb.DuckDBPyConnection, jobs: dict[str, tuple[str, Path]]) -> None:
    """Write the tables at the same time, each through its own cursor. WHY: DuckDB splits a table scan
    by row group (~120k rows), so a UltraFeedback-sized `parsed` (64k records) is one row group and each
    COPY alone would run on one core; side by side they fill all of them."""

    def copy(table: str, query: str, target: Path) -> None:
        cursor = con.cursor()
        try:
            cursor.execute(f"COPY ({query}) TO {_lit(str(target))} (FORMAT parquet, COMPRESSION zstd)")
        except duckdb.Error as exc:
            raise DataError(f"ingest failed writing '{table}': {_first_line(exc)}") from None
        finally:
            cursor.close()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(copy, table, query, target) for table, (query, target) in jobs.items()]
        for future in futures:
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
    rows = ", ".join(f"({i}, {_lit(f.name)}, {_lit(f.kind)})" for i, f in enumerate(files))
    if not rows:
        return "CREATE TABLE ingest_files (file_idx INTEGER, file VARCHAR, kind VARCHAR)"
    return (f"CREATE TABLE ingest_files AS SELECT CAST(file_idx AS INTEGER) AS file_idx, file, kind "
            f"FROM (VALUES {rows}) AS t(file_idx, file, kind)")


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _first_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
