"""Hand-made ingest tables (the exact shape `ultrafeedback.ingest` writes) and a way to run the real
notus / zephyr curation SQL on them, so each binarization rule can be checked on cases computed by hand
without depending on the raw-file parser."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from notus.core.runner import run_pipeline
from notus.core.step import StepContext, polars_step
from notus.core.version import Version
from notus.verdicts.format import Verdict, append
from tests.support.paths import REPO

ASPECTS = ("helpfulness", "honesty", "instruction_following", "truthfulness")

SCHEMAS: dict[str, dict[str, Any]] = {
    "prompts": {"record_id": pl.Int64, "prompt_id": pl.String, "source": pl.String, "prompt": pl.String,
                "n_completions": pl.Int32, "record_hash": pl.String, "file": pl.String, "line": pl.Int64},
    "responses": {"record_id": pl.Int64, "prompt_id": pl.String, "completion_index": pl.Int32,
                  "model": pl.String, "principle": pl.String, "response": pl.String, "critique": pl.String,
                  "overall_score": pl.Float64, "fine_grained_score": pl.Float64},
    "ratings": {"record_id": pl.Int64, "prompt_id": pl.String, "completion_index": pl.Int32,
                "aspect": pl.String, "rating": pl.Int32, "rating_raw": pl.String, "rationale": pl.String,
                "rationale_for_rating": pl.String, "types": pl.List(pl.String)},
    "invalid": {"record_id": pl.Int64, "prompt_id": pl.String, "reason": pl.String, "detail": pl.String},
}

POSITIVE = "Your answer is accurate and helpful. It fully aligns with the instruction."
DAMNING = "The response is incorrect and misleading. It does not address the question at all."


def prompt_id(prompt: str) -> str:
    return hashlib.sha256(prompt.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Completion:
    score: float | None
    ratings: Sequence[int | None]  # in ASPECTS order; None = N/A
    critique: str = POSITIVE
    model: str = "model"


@dataclass(frozen=True)
class Record:
    prompt: str
    completions: Sequence[Completion] = ()
    source: str = "sharegpt"
    content_key: str | None = None  # records with the same key are exact duplicates
    extra: Mapping[str, Any] = field(default_factory=dict)


def uniform(score: float | None, rating: int | None, critique: str = POSITIVE) -> Completion:
    """A completion whose four aspects share one rating."""
    return Completion(score, [rating] * 4, critique)


def write_tables(folder: Path, records: Sequence[Record], invalid: Sequence[tuple[int, str]] = ()) -> Path:
    """Write the four ingest tables for `records` (record_id = position) plus `invalid` rows
    (record_id, reason) into `folder`, one Parquet file each."""
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    invalid_ids = {rid for rid, _ in invalid}
    for rid, rec in enumerate(records):
        if rid in invalid_ids:
            continue
        pid = prompt_id(rec.prompt)
        content = rec.content_key or f"{rec.prompt}#{rid}"
        rows["prompts"].append({"record_id": rid, "prompt_id": pid, "source": rec.source, "prompt": rec.prompt,
                                "n_completions": len(rec.completions), "record_hash": prompt_id(content),
                                "file": "hand.jsonl", "line": rid + 1})
        for ci, comp in enumerate(rec.completions):
            rows["responses"].append({
                "record_id": rid, "prompt_id": pid, "completion_index": ci, "model": f"{comp.model}-{ci}",
                "principle": "helpfulness", "response": response_text(ci, rec.prompt),
                "critique": comp.critique, "overall_score": comp.score, "fine_grained_score": None,
            })
            for aspect, rating in zip(ASPECTS, comp.ratings, strict=True):
                rows["ratings"].append({
                    "record_id": rid, "prompt_id": pid, "completion_index": ci, "aspect": aspect,
                    "rating": rating, "rating_raw": "N/A" if rating is None else str(rating),
                    "rationale": "because", "rationale_for_rating": None, "types": [],
                })
    for rid, reason in invalid:
        rows["invalid"].append({"record_id": rid, "prompt_id": None, "reason": reason, "detail": "hand-made"})
    for name, schema in SCHEMAS.items():
        pl.DataFrame(rows[name], schema=schema).write_parquet(folder / f"{name}.parquet")
    return folder


@polars_step(
    "tests.ultrafeedback_tables",
    writes={name: list(schema) for name, schema in SCHEMAS.items()},
    sources=("tables",),
)
def hand_made_tables(ctx: StepContext) -> dict[str, pl.LazyFrame]:
    """Stands in for `ultrafeedback.ingest`: hands the pre-written tables to the curation steps."""
    files = {Path(p).stem: p for p in ctx.sources["tables"].paths}
    return {name: pl.scan_parquet(files[name]) for name in SCHEMAS}


def run_curation(
    tmp_path: Path,
    records: Sequence[Record],
    *,
    invalid: Sequence[tuple[int, str]] = (),
    pipeline: str = "notus",
    sets: Mapping[str, Any] | None = None,
    name: str = "hand",
    overrides: Mapping[str, str] | None = None,
    verdicts: Sequence[Verdict] = (),
) -> Version:
    """Run pipelines/<pipeline>.yaml with its ingest step replaced by the hand-made tables. `overrides`
    maps a step name to the text of a SQL file that replaces that step (the way a derived pipeline
    overrides one step by name); `verdicts` are written to this run's own verdicts folder."""
    project = tmp_path / "project"
    sql = project / "sql"
    if not project.exists():
        (project / "pipelines").mkdir(parents=True)
        sql.mkdir()
        for path in (REPO / "sql").glob("*.sql"):
            (sql / path.name).symlink_to(path)
    steps = "steps:\n  - name: ingest\n    polars: tests.ultrafeedback_tables\n"
    for step, text in (overrides or {}).items():
        (sql / f"{name}_{step}.sql").write_text(text)
        steps += f"  - name: {step}\n    sql: sql/{name}_{step}.sql\n"
    spec = project / "pipelines" / f"{name}-{pipeline}.yaml"
    spec.write_text(
        f"name: {name}-{pipeline}\n"
        f"extends: {REPO / 'pipelines' / (pipeline + '.yaml')}\n"
        "sources:\n  tables: {default: tables}\n" + steps
    )
    tables = write_tables(tmp_path / f"tables-{name}", records, invalid)
    folder = tmp_path / f"verdicts-{name}"
    folder.mkdir(exist_ok=True)
    for stale in folder.glob("*.jsonl"):
        stale.unlink()
    append(folder / "verdicts.jsonl", verdicts)
    out = run_pipeline(spec, build_dir=tmp_path / "build", sets=dict(sets or {}),
                       sources={"tables": str(tables), "input": str(tables), "verdicts": str(folder)})
    return Version.open(out)


def response_text(completion_index: int, prompt: str) -> str:
    """The response text write_tables gives a completion (what a verdict's response_sha256 hashes)."""
    return f"response {completion_index} to {prompt}"


def table(version: Version, name: str) -> pl.DataFrame:
    return version.scan(name).collect()
