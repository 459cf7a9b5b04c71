"""Runs a real format step (pairwise, rated, ranked) on files the way the runner calls it, with the
mapping params of the published schema each test names, and reads back the canonical tables."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from notus.core.sources import resolve_source
from notus.core.step import StepContext

MAX_BYTES = 8 << 20
PAIRWISE: dict[str, Any] = {  # HuggingFaceH4/ultrafeedback_binarized, the published schema
    "max_record_bytes": MAX_BYTES, "prompt_column": "prompt", "system_column": "", "chosen_column": "chosen",
    "rejected_column": "rejected", "chosen_score_column": "score_chosen|metadata.score_chosen",
    "rejected_score_column": "score_rejected|metadata.score_rejected", "chosen_model_column": "",
    "rejected_model_column": "", "source_column": "", "score_min": 0, "score_max": 10,
}
HH = {**PAIRWISE, "prompt_column": "", "chosen_score_column": "", "rejected_score_column": ""}
HELPSTEER2: dict[str, Any] = {
    "max_record_bytes": MAX_BYTES, "prompt_column": "prompt", "response_column": "response", "model_column": "",
    "source_column": "", "rating_columns": ["helpfulness", "correctness", "coherence", "complexity", "verbosity"],
    "scale_min": 0, "scale_max": 4, "prompt_format": "extra_id",
}
NECTAR: dict[str, Any] = {
    "max_record_bytes": MAX_BYTES, "prompt_column": "prompt", "answers_column": "answers", "source_column": "source",
    "answer_field": "answer", "model_field": "model", "rank_field": "rank", "prompt_format": "hh",
}


def run_step(step: Callable[[StepContext], dict[str, pl.LazyFrame]], params: dict[str, Any], source: Path,
             out: Path) -> dict[str, pl.DataFrame]:
    out.mkdir(parents=True, exist_ok=True)
    tables = ("prompts", "responses", "ratings", "ranks", "invalid")
    ctx = StepContext(step="ingest", params=params, sources={"input": resolve_source("input", str(source))},
                      workdir=out / "_work", outputs={t: out / f"{t}.parquet" for t in tables})
    return {t: frame.collect() for t, frame in step(ctx).items()}


def write_jsonl(path: Path, rows: Sequence[Any]) -> Path:
    """Rows as JSON lines; a str row is written as it is (a broken line)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def write_parquet(path: Path, rows: Sequence[dict[str, Any]], schema: pa.Schema) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(list(rows), schema=schema), path)
    return path


def accounted(tables: dict[str, pl.DataFrame], n_records: int) -> None:
    """Every record 0..n-1 is in exactly one of prompts / invalid; answers only for valid records."""
    valid, bad = tables["prompts"]["record_id"].to_list(), tables["invalid"]["record_id"].to_list()
    assert sorted(valid + bad) == list(range(n_records)), "records lost, invented or listed twice"
    for table in ("responses", "ratings", "ranks"):
        assert set(tables[table]["record_id"].to_list()) <= set(valid), f"{table} holds an invalid record"


def reasons(tables: dict[str, pl.DataFrame]) -> dict[int, tuple[str, str]]:
    """record_id -> (reason, detail) of the quarantined records."""
    return {r: (reason, detail) for r, _, reason, detail in tables["invalid"].iter_rows()}


def msg(role: str, content: str) -> dict[str, str]:
    return {"role": role, "content": content}
