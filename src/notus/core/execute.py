"""Running one step: upstream tables in, Parquet files out. Nothing else in notus knows how.

SQL steps run in DuckDB as `COPY (<file>) TO ... (FORMAT parquet, COMPRESSION zstd)`: DuckDB streams,
params are bound as named values, and upstream tables are views over their Parquet files. Polars steps get
LazyFrames and their results are sunk with the streaming engine. Both check column contracts.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow.parquet as pq

from notus.core import sqlfile
from notus.core.errors import ContractError, DataError, NotusError, first_line
from notus.core.sources import Source
from notus.core.spec import StepSpec
from notus.core.step import StepContext


def connect(tmp_dir: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection sized for this machine; spills to `tmp_dir` rather than running out of memory."""
    con = duckdb.connect(config={
        "memory_limit": os.environ.get("NOTUS_MEMORY_LIMIT", "3GB"),
        "temp_directory": str(tmp_dir),
        "preserve_insertion_order": True,
    })
    threads = os.environ.get("NOTUS_THREADS")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def register_tables(con: duckdb.DuckDBPyConnection, tables: Mapping[str, Path]) -> None:
    for name, path in tables.items():
        con.execute(f'CREATE OR REPLACE VIEW "{name}" AS SELECT * FROM read_parquet({sqlfile.literal(str(path))})')


def register_sources(con: duckdb.DuckDBPyConnection, sources: Mapping[str, Source]) -> None:
    for name, source in sources.items():
        con.execute(f"SET VARIABLE source_{name} = $files", {"files": source.paths})


def run_sql_step(
    con: duckdb.DuckDBPyConnection, step: StepSpec, params: Mapping[str, Any], out: Path
) -> None:
    table = step.writes[0]
    target = out / f"{table}.parquet"
    query = sqlfile.strip_sql(step.code)
    bound = {p: params[p] for p in step.params}
    try:
        con.execute(
            f"COPY ({query}) TO {sqlfile.literal(str(target))} (FORMAT parquet, COMPRESSION zstd)", bound or None
        )
    except duckdb.Error as exc:
        raise DataError(f"step '{step.name}' ({step.ref}) failed: {first_line(exc)}") from None


def run_polars_step(
    step: StepSpec,
    tables: Mapping[str, Path],
    params: Mapping[str, Any],
    sources: Mapping[str, Source],
    out: Path,
) -> None:
    registered = step.polars
    assert registered is not None
    inputs: dict[str, pl.LazyFrame] = {}
    for table, needed in registered.reads.items():
        lf = pl.scan_parquet(str(tables[table]))
        have = set(lf.collect_schema().names())
        missing = [c for c in needed if c not in have]
        if missing:
            raise ContractError(
                f"step '{step.name}' ({registered.name}) needs column '{missing[0]}' in table '{table}', "
                f"which has: {', '.join(sorted(have))}"
            )
        inputs[table] = lf
    outputs = {t: out / f"{t}.parquet" for t in registered.writes}
    workdir = out / "_work"
    workdir.mkdir(exist_ok=True)
    ctx = StepContext(
        step=step.name,
        params={p: params[p] for p in registered.params},
        sources={s: sources[s] for s in registered.sources},
        workdir=workdir,
        outputs=outputs,
    )
    try:
        result = registered.fn(ctx, **inputs)
        if isinstance(result, pl.LazyFrame):
            if len(outputs) != 1:
                raise ContractError(
                    f"step '{step.name}' ({registered.name}) returned one frame but writes {len(outputs)} tables"
                )
            frames = {next(iter(outputs)): result}
        else:
            frames = dict(result)
        pending = []
        for table, target in outputs.items():
            if table not in frames:
                raise ContractError(f"step '{step.name}' ({registered.name}) did not return table '{table}'")
            have = set(frames[table].collect_schema().names())
            missing = [c for c in registered.writes[table] if c not in have]
            if missing:
                raise ContractError(
                    f"step '{step.name}' ({registered.name}) promised column '{missing[0]}' in table "
                    f"'{table}' but did not make it"
                )
            if not target.exists():  # a step that streamed its own output already wrote the file
                pending.append(frames[table].sink_parquet(str(target), compression="zstd", lazy=True))
        if pending:
            pl.collect_all(pending)
    except NotusError:
        raise
    except (pl.exceptions.PolarsError, duckdb.Error, OSError) as exc:
        raise DataError(f"step '{step.name}' ({registered.name}) failed: {first_line(exc)}") from None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def parquet_rows(path: Path) -> int:
    return pq.ParquetFile(path).metadata.num_rows


def parquet_schema(path: Path) -> dict[str, str]:
    schema = pq.read_schema(path)
    return {field.name: str(field.type) for field in schema}
