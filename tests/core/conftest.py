"""A tiny project of its own for engine tests: two SQL steps and a Polars step over a Parquet input."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from notus.core.step import StepContext, polars_step


@polars_step("tests.enrich", reads={"filtered": ["a", "b"]}, writes={"enriched": ["a", "b", "c"]},
             params=("offset",))
def enrich(ctx: StepContext, filtered: pl.LazyFrame) -> pl.LazyFrame:
    """Adds a column from a param, to test Polars steps end to end."""
    return filtered.with_columns(c=pl.col("b") + ctx.params["offset"])


@polars_step("tests.broken_output", reads={"filtered": ["a"]}, writes={"enriched": ["a", "zzz"]})
def broken_output(ctx: StepContext, filtered: pl.LazyFrame) -> pl.LazyFrame:
    """Promises a column it does not make."""
    return filtered


@polars_step("tests.needs_missing", reads={"filtered": ["nope"]}, writes={"enriched": ["a"]})
def needs_missing(ctx: StepContext, filtered: pl.LazyFrame) -> pl.LazyFrame:
    """Needs a column its input lacks."""
    return filtered


SPEC = """\
name: tiny
description: engine test pipeline
params:
  threshold: {type: int, default: 2}
  offset: {type: int, default: 100}
  label: {type: str, default: "x'); drop table raw; --"}
sources:
  input: {default: input.parquet}
steps:
  - name: enriched
    polars: tests.enrich
  - name: filtered
    sql: sql/filtered.sql
  - name: raw
    sql: sql/raw.sql
publish: [enriched, raw]
audits: [sql/audit_positive.sql]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "sql").mkdir()
    (tmp_path / "pipelines" / "tiny.yaml").write_text(SPEC)
    (tmp_path / "sql" / "raw.sql").write_text("select * from read_parquet(getvariable('source_input')) order by a\n")
    (tmp_path / "sql" / "filtered.sql").write_text(
        "-- keeps rows above $threshold\n"
        "select a, a * 2 as b, $label as label from raw where a > $threshold order by a;\n"
    )
    (tmp_path / "sql" / "audit_positive.sql").write_text("select * from raw where a < 0\n")
    pl.DataFrame({"a": list(range(10))}).write_parquet(tmp_path / "input.parquet")
    return tmp_path
