"""Run an ingest's parse over its input slab by slab, and append what each slab yields to open Parquet files.

WHY: ingest reads every byte of the input, so it sets the pace of a pipeline. Records are cut from the
files without copying (`records`), each slab of ~256 MB of record texts is parsed and checked exactly once
by DuckDB on all cores into an in-memory table (the caller's `parse` SQL), and each output table is then
appended from that table through its own cursor, side by side (DuckDB scans one slab's table on one core
per query), to one zstd writer per table (`writers`). Working slab by slab keeps memory flat whatever the
input size. The same machinery serves every preference format; UltraFeedback's ingest has its own tuned
copy of it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa

from notus.core.errors import DataError, first_line
from notus.core.sqlfile import literal
from notus.ingest.records import CHUNK_BYTES, RecordFile, RecordStream
from notus.ingest.writers import TableWriters

SLAB_BYTES = 256 << 20  # input text parsed at a time: memory stays flat, per-slab overheads stay small
ROWS_PER_WRITE = 1 << 17
PARSED = "parsed"  # the name of a slab's parsed table in the output queries

Query = Callable[[str], str]  # the name of a table -> a SELECT over it


def connect(workdir: Path) -> duckdb.DuckDBPyConnection:
    """All cores; a memory limit and a spill folder inside the step's scratch space (the engine's own
    knobs: NOTUS_MEMORY_LIMIT, NOTUS_THREADS)."""
    spill = workdir / "duckdb_tmp"
    spill.mkdir(parents=True, exist_ok=True)
    config: dict[str, str | bool | int] = {
        "memory_limit": os.environ.get("NOTUS_MEMORY_LIMIT", "3GB"),
        "temp_directory": str(spill),
        "preserve_insertion_order": True,
        "threads": int(os.environ.get("NOTUS_THREADS") or os.cpu_count() or 1),
    }
    return duckdb.connect(config=config)


def files_table(files: list[RecordFile]) -> str:
    """DDL for `ingest_files` (file_idx, file, kind): how output queries name a record's file."""
    rows = ", ".join(f"({i}, {literal(f.name)}, {literal(f.kind)})" for i, f in enumerate(files))
    if not rows:
        return "CREATE TABLE ingest_files (file_idx INTEGER, file VARCHAR, kind VARCHAR)"
    return (f"CREATE TABLE ingest_files AS SELECT CAST(file_idx AS INTEGER) AS file_idx, file, kind "
            f"FROM (VALUES {rows}) AS t(file_idx, file, kind)")


def ingest_slabs(
    files: list[RecordFile], parse: Query, con: duckdb.DuckDBPyConnection, max_record_bytes: int,
    each_slab: Callable[[int], None], slab_bytes: int = SLAB_BYTES, chunk_bytes: int = CHUNK_BYTES,
) -> int:
    """Parse `files` slab by slab (`parse` over the slab's raw records, RAW_SCHEMA, gives the table
    PARSED) and call `each_slab(slab_number)` after each; returns the number of records read."""
    stream = RecordStream(files, max_record_bytes, chunk_bytes)
    con.execute(files_table(files))
    for number, slab in enumerate(stream.slabs(slab_bytes)):
        _parse(con, slab, stream, parse)
        each_slab(number)
    return stream.records


class TableAppender:
    """Appends the rows of `queries[table]` over a DuckDB table to each table's writer, side by side,
    each through its own cursor: DuckDB scans one slab's table on one core per query."""

    def __init__(self, con: duckdb.DuckDBPyConnection, writers: TableWriters, queries: Mapping[str, Query]) -> None:
        self.writers, self.queries = writers, dict(queries)
        self.cursors = {table: con.cursor() for table in queries}  # one connection per writing thread
        self.pool = ThreadPoolExecutor(max_workers=max(len(queries), 1))

    def append(self, table: str = PARSED) -> None:
        futures = [self.pool.submit(self._write, t, table) for t in self.queries]
        for future in futures:
            future.result()

    def _write(self, name: str, table: str) -> None:
        try:
            self.writers.write(name, self.cursors[name].sql(self.queries[name](table)).to_arrow_reader(ROWS_PER_WRITE))
        except duckdb.Error as exc:
            raise DataError(f"ingest failed writing '{name}': {first_line(exc)}") from None

    def close(self) -> None:
        self.pool.shutdown()


def _parse(con: duckdb.DuckDBPyConnection, slab: pa.RecordBatchReader, stream: RecordStream, parse: Query) -> None:
    con.register("raw_records", slab)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {PARSED} AS {parse('raw_records')}")
    except duckdb.Error as exc:
        if stream.error is not None:
            raise stream.error from None
        raise DataError(f"ingest failed: {first_line(exc)}") from None
    finally:
        con.unregister("raw_records")
