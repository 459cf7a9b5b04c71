"""Runs the real `ultrafeedback.ingest` step function on a file or folder, the way the runner calls it
(a resolved Source, a StepContext with output paths), and reads back the four tables."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from notus.core.sources import resolve_source
from notus.core.step import StepContext
from notus.ultrafeedback.ingest import DEFAULT_MAX_RECORD_BYTES, TABLES, ingest

# A pipeline of the ingest step alone, for tests that go through `notus run` (files under `input/`).
INGEST_ONLY_SPEC = """\
name: ingest-only
params:
  max_record_bytes: {type: int, default: 8388608}
sources:
  input: {default: input}
steps:
  - name: ingest
    polars: ultrafeedback.ingest
publish: [prompts, responses, ratings, invalid]
"""


def run_ingest(source: Path, out: Path, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> dict[str, pl.DataFrame]:
    out.mkdir(parents=True, exist_ok=True)
    ctx = StepContext(
        step="ingest",
        params={"max_record_bytes": max_record_bytes},
        sources={"input": resolve_source("input", str(source))},
        workdir=out / "_work",
        outputs={t: out / f"{t}.parquet" for t in TABLES},
    )
    frames = ingest(ctx)
    return {t: frames[t].collect() for t in TABLES}


def accounted(tables: dict[str, pl.DataFrame], n_records: int) -> None:
    """Every record_id 0..n-1 is in exactly one of prompts / invalid, and only valid records have
    responses or ratings."""
    valid = tables["prompts"]["record_id"].to_list()
    bad = tables["invalid"]["record_id"].to_list()
    assert len(valid) == len(set(valid)), "a record twice in prompts"
    assert len(bad) == len(set(bad)), "a record twice in invalid"
    assert not set(valid) & set(bad), "a record in both prompts and invalid"
    assert sorted(valid + bad) == list(range(n_records)), "records lost or invented"
    for table in ("responses", "ratings"):
        assert set(tables[table]["record_id"].to_list()) <= set(valid), f"{table} holds an invalid record"
