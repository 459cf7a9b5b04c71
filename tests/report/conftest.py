"""Small version folders for report tests, written the way the runner writes them (Parquet + manifest.json).

The data is synthetic UltraFeedback-like completions with the features the report has to show: N/A
ratings, ties, records with fewer than two completions, the 1 -> 10 score defect, contamination. The two
binarizations here are deliberately plain Python, not the curation SQL: the report is tested on tables
that follow the published contract, whoever made them.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from notus.core.digests import file_sha256
from notus.verdicts.apply import VERDICTS_SCHEMA

SOURCES = ("evol_instruct", "false_qa", "flan", "sharegpt", "truthful_qa", "ultrachat")
ASPECTS = ("helpfulness", "honesty", "instruction_following", "truthfulness")
MODELS = ("gpt-4", "llama-2-7b-chat", "falcon-40b-instruct", "wizardlm-13b", "ultralm-65b", "bard")
N_RECORDS = 240


def _pick(seed: int, *key: object) -> float:
    """A uniform number from a hash, so a choice never depends on the order records are visited in."""
    digest = hashlib.sha256(":".join(map(str, (seed, *key))).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def make_completions(n_records: int = N_RECORDS, seed: int = 7) -> pl.DataFrame:
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for rid in range(n_records):
        source = SOURCES[rid % len(SOURCES)]
        n = rng.choices((0, 1, 2, 3, 4), weights=(2, 3, 5, 10, 80))[0]
        tie_record = rng.random() < 0.08
        for idx in range(n):
            ratings = {a: (None if rng.random() < 0.05 else rng.randint(1, 5)) for a in ASPECTS}
            if tie_record:
                ratings = dict.fromkeys(ASPECTS, 4)
            present = [r for r in ratings.values() if r is not None]
            mean = sum(present) / len(present) if present else None
            score = float(min(10, max(1, round((mean or 3) * 2 + rng.uniform(-1.5, 1.5)))))
            if mean is not None and mean <= 2 and rng.random() < 0.35:
                score = 10.0  # the parser defect: critique score 1 read as 10
            rows.append({
                "record_id": rid, "prompt_id": hashlib.sha256(f"prompt {rid}".encode()).hexdigest(),
                "source": source, "completion_index": idx, "model": MODELS[(rid + idx) % len(MODELS)],
                "overall_score": score, "mean_rating": mean, "n_ratings": len(present), **ratings,
            })
    schema = {"record_id": pl.Int64, "prompt_id": pl.String, "source": pl.String, "completion_index": pl.Int32,
              "model": pl.String, "overall_score": pl.Float64, "mean_rating": pl.Float64, "n_ratings": pl.Int32,
              **dict.fromkeys(ASPECTS, pl.Int32)}
    return pl.DataFrame(rows, schema=schema)


def binarize(completions: pl.DataFrame, rule: str, seed: int = 42,
             exclude: dict[int, str] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(preferences, dropped) by the Notus (`mean_rating`) or Zephyr (`overall_score`) rule."""
    exclude = exclude or {}
    by_record: dict[int, list[dict[str, Any]]] = {rid: [] for rid in range(N_RECORDS)}
    for row in completions.iter_rows(named=True):
        by_record[row["record_id"]].append(row)
    prefs: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    for rid, comps in by_record.items():
        pid = hashlib.sha256(f"prompt {rid}".encode()).hexdigest()
        if rid in exclude:
            dropped.append({"record_id": rid, "prompt_id": pid, "reason": exclude[rid], "detail": "planted"})
            continue
        if rule == "mean_rating":
            rated = [c for c in comps if c["mean_rating"] is not None]
            if len(rated) < 2:
                dropped.append({"record_id": rid, "prompt_id": pid, "reason": "too_few_completions",
                                "detail": f"{len(rated)} rated completion(s)"})
                continue
            chosen = max(rated, key=lambda c: (c["mean_rating"], -c["completion_index"]))
            lower = [c for c in rated if c["mean_rating"] < chosen["mean_rating"]]
            if not lower:
                dropped.append({"record_id": rid, "prompt_id": pid, "reason": "tie",
                                "detail": f"all {len(rated)} completions rated {chosen['mean_rating']:.2f}"})
                continue
        else:
            if len(comps) < 2:
                dropped.append({"record_id": rid, "prompt_id": pid, "reason": "too_few_completions",
                                "detail": f"{len(comps)} completion(s)"})
                continue
            chosen = max(comps, key=lambda c: (c["overall_score"], -c["completion_index"]))
            lower = [c for c in comps if c is not chosen]
        rejected = lower[int(_pick(seed, pid) * len(lower))]
        prefs.append({
            "record_id": rid, "prompt_id": pid, "source": chosen["source"], "prompt": f"Prompt number {rid}?",
            "chosen": [{"role": "user", "content": f"Prompt number {rid}?"},
                       {"role": "assistant", "content": f"answer {chosen['completion_index']}"}],
            "rejected": [{"role": "user", "content": f"Prompt number {rid}?"},
                         {"role": "assistant", "content": f"answer {rejected['completion_index']}"}],
            "chosen_rating": chosen["mean_rating"], "rejected_rating": rejected["mean_rating"],
            "chosen_score": chosen["overall_score"], "rejected_score": rejected["overall_score"],
            "chosen_model": chosen["model"], "rejected_model": rejected["model"],
            "chosen_index": chosen["completion_index"], "rejected_index": rejected["completion_index"],
            "split": "test" if _pick(seed, "split", pid) < 0.1 else "train",
        })
    pref_schema = {"record_id": pl.Int64, "prompt_id": pl.String, "source": pl.String, "prompt": pl.String,
                   "chosen": pl.List(pl.Struct({"role": pl.String, "content": pl.String})),
                   "rejected": pl.List(pl.Struct({"role": pl.String, "content": pl.String})),
                   "chosen_rating": pl.Float64, "rejected_rating": pl.Float64, "chosen_score": pl.Float64,
                   "rejected_score": pl.Float64, "chosen_model": pl.String, "rejected_model": pl.String,
                   "chosen_index": pl.Int32, "rejected_index": pl.Int32, "split": pl.String}
    drop_schema = {"record_id": pl.Int64, "prompt_id": pl.String, "reason": pl.String, "detail": pl.String}
    return pl.DataFrame(prefs, schema=pref_schema), pl.DataFrame(dropped, schema=drop_schema)


def make_mismatches(completions: pl.DataFrame) -> pl.DataFrame:
    top = completions.filter(pl.col("overall_score") >= 9)
    defect = top.filter(pl.col("mean_rating") <= 2).with_columns(
        reason=pl.lit("score_defect"),
        evidence=pl.format("mean_rating {} over {} rating(s)", pl.col("mean_rating").round(2), pl.col("n_ratings")))
    negative = top.filter(pl.col("record_id") % 5 == 0).with_columns(
        reason=pl.lit("negative_critique"), evidence=pl.lit("fails to address; incorrect"))
    cols = ["record_id", "prompt_id", "completion_index", "overall_score", "mean_rating", "reason", "evidence"]
    return pl.concat([defect.select(cols), negative.select(cols)]).sort("record_id", "completion_index", "reason")


def make_verdicts(completions: pl.DataFrame) -> pl.DataFrame:
    """The `verdicts` table of a build where an LLM judge rated every top-scored completion (one answer in
    seven unusable: judge_failed) and a person scored every third of those the judge rated."""
    top = completions.filter(pl.col("overall_score") >= 9).sort("record_id", "completion_index")
    rows: list[dict[str, Any]] = []
    for n, r in enumerate(top.iter_rows(named=True)):
        rating = None if n % 7 == 3 else 1 + int(_pick(5, r["prompt_id"], r["completion_index"]) * 10)
        base = {"prompt_id": r["prompt_id"], "completion_index": r["completion_index"], "made_on": "0" * 16,
                "note": "", "chosen_index": None, "rejected_index": None, "detail": "", "records": 1}
        rows.append({**base, "file": "judge-gpt-test.jsonl", "line": n + 1, "verdict_id": f"j{n}",
                     "action": "judge_failed" if rating is None else "set_score", "author": "judge:gpt-test",
                     "created_at": f"2026-12-01T00:00:{n % 60:02d}.000000Z", "score": None if rating is None
                     else float(rating), "judge_model": "gpt-test", "judge_rating": rating,
                     "judge_template_sha256": "a" * 64, "status": "no_effect" if rating is None else "applied"})
        if rating is not None and n % 3 == 0:
            human = rating if n % 2 == 0 else max(1, rating - 3)
            rows.append({**base, "file": "human-anna.jsonl", "line": n + 1, "verdict_id": f"h{n}",
                         "action": "set_score", "author": "human:anna", "created_at": "2026-12-02T00:00:00.000000Z",
                         "score": float(human), "judge_model": None, "judge_rating": None,
                         "judge_template_sha256": None, "status": "applied"})
            rows[-2]["status"] = "superseded"
    return pl.DataFrame(rows, schema=VERDICTS_SCHEMA)


def make_contamination() -> pl.DataFrame:
    rows = []
    for rid in range(N_RECORDS):
        pid = hashlib.sha256(f"prompt {rid}".encode()).hexdigest()
        if SOURCES[rid % len(SOURCES)] == "truthful_qa":
            rows.append((rid, pid, "truthful_qa", "source", "source = truthful_qa", 1.0))
        elif rid % 17 == 0:
            rows.append((rid, pid, "alpaca_eval", "exact", "Give three tips for staying healthy.", 1.0))
        elif rid % 23 == 0:
            rows.append((rid, pid, "mt_bench", "ngram", "compose an engaging travel blog post about a recent",
                         0.8))
    return pl.DataFrame(rows, schema={"record_id": pl.Int64, "prompt_id": pl.String, "benchmark": pl.String,
                                      "method": pl.String, "evidence": pl.String, "score": pl.Float64},
                        orient="row")


def make_prompts(n_records: int = N_RECORDS) -> pl.DataFrame:
    """The canonical `prompts` table: every fifth record is a three-turn conversation, every seventh five."""
    rows = []
    for rid in range(n_records):
        text = f"prompt {rid}"
        turns = 3 if rid % 7 == 0 else 2 if rid % 5 == 0 else 1
        history = [t for i in range(turns - 1) for t in ({"role": "user", "content": f"earlier {i}"},
                                                           {"role": "assistant", "content": f"reply {i}"})]
        rows.append({"record_id": rid, "prompt_id": hashlib.sha256(text.encode()).hexdigest(),
                     "source": SOURCES[rid % len(SOURCES)], "prompt": text,
                     "conversation": [*history, {"role": "user", "content": text}]})
    return pl.DataFrame(rows, schema={"record_id": pl.Int64, "prompt_id": pl.String, "source": pl.String,
                                      "prompt": pl.String,
                                      "conversation": pl.List(pl.Struct({"role": pl.String, "content": pl.String}))})


def write_version(root: Path, pipeline: str, tables: dict[str, pl.DataFrame], params: dict[str, Any],
                  input_fingerprint: str = "f" * 64) -> Path:
    """A version folder as the runner publishes it: one zstd Parquet per table and a manifest."""
    vid = hashlib.sha256(json.dumps([pipeline, params, sorted(tables)]).encode()).hexdigest()[:16]
    vdir = root / pipeline / vid
    vdir.mkdir(parents=True)
    entries = {}
    for name, frame in tables.items():
        path = vdir / f"{name}.parquet"
        frame.write_parquet(path, compression="zstd")
        entries[name] = {"files": [path.name], "sha256": [file_sha256(path)], "rows": frame.height,
                         "schema": {c: str(t) for c, t in frame.schema.items()}}
    manifest = {
        "notus_manifest": 1, "version_id": vid, "pipeline": pipeline, "description": f"{pipeline} test build",
        "spec": {"name": pipeline}, "spec_text": f"name: {pipeline}\n", "params": params,
        "sources": {"input": {"uri": "data/sample/ultrafeedback", "fingerprint": input_fingerprint,
                              "files": []}},
        "steps": [], "tables": entries, "audits": {"accounting": {"ok": True, "violations": 0}},
        "versions": {"notus": "0.1.0"}, "created_at": "2026-11-20T12:00:00+00:00", "build_seconds": 1.0,
    }
    (vdir / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return vdir


@pytest.fixture(scope="session")
def completions() -> pl.DataFrame:
    return make_completions()


@pytest.fixture(scope="session")
def build_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("build")


@pytest.fixture(scope="session")
def notus_version(build_root: Path, completions: pl.DataFrame) -> Path:
    prefs, dropped = binarize(completions, "mean_rating")
    return write_version(build_root, "notus", {
        "preferences": prefs, "completions": completions, "mismatches": make_mismatches(completions),
        "dropped": dropped}, {"seed": 42, "test_size": 0.1})


@pytest.fixture(scope="session")
def zephyr_version(build_root: Path, completions: pl.DataFrame) -> Path:
    prefs, dropped = binarize(completions, "overall_score")
    return write_version(build_root, "zephyr", {
        "preferences": prefs, "completions": completions, "mismatches": make_mismatches(completions),
        "dropped": dropped}, {"seed": 42, "test_size": 0.1})


@pytest.fixture(scope="session")
def cleaned_version(build_root: Path, completions: pl.DataFrame) -> Path:
    contamination = make_contamination()
    prefs, dropped = binarize(completions, "mean_rating",
                              exclude=dict.fromkeys(contamination["record_id"].to_list(), "contaminated"))
    sets = pl.DataFrame({"benchmark": ["alpaca_eval", "mt_bench", "truthful_qa"], "items": [805, 160, 817],
                         "origin": ["synthetic", "synthetic", "synthetic"]})
    return write_version(build_root, "notus-cleaned", {
        "preferences": prefs, "completions": completions, "mismatches": make_mismatches(completions),
        "dropped": dropped, "contamination": contamination, "benchmark_sets": sets,
        "verdicts": make_verdicts(completions), "prompts": make_prompts()},
        {"seed": 42, "test_size": 0.1, "ngram_n": 13})


@pytest.fixture(scope="session")
def zephyr_tables(completions: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The zephyr binarization's preferences, dropped and completions, without mismatches."""
    prefs, dropped = binarize(completions, "overall_score")
    return {"preferences": prefs, "completions": completions, "dropped": dropped}


@pytest.fixture
def version_factory(tmp_path: Path) -> Callable[..., Path]:
    """Write an ad-hoc version (e.g. one lacking a table) under this test's tmp folder."""
    def make(pipeline: str, tables: dict[str, pl.DataFrame], input_fingerprint: str = "f" * 64,
             **params: Any) -> Path:
        return write_version(tmp_path / "build", pipeline, tables, params, input_fingerprint)
    return make
