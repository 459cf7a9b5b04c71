"""Version folders and a Hub stand-in for the publishing tests.

Publishing must not depend on the curation pipeline having run, so the tests write their own versions in
the engine's manifest format (with real sha256 digests, so `Version.verify()` passes until a file is
touched). Tables are written with Polars, as the engine writes them (large string/list Arrow types), so the
tests see the same type normalisation the real build needs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import huggingface_hub
import polars as pl
import pytest
import yaml
from huggingface_hub import constants

from notus.core.digests import file_sha256
from tests.support.hub_server import HubServer, SilentServer

TOKEN = "hf_notus_test_write_token_0123456789"
READ_ONLY_TOKEN = "hf_notus_test_other_namespace_token"
ORG = "notus-test"

SPEC = {
    "name": "notus",
    "description": "UltraFeedback binarized on the mean of the aspect ratings, ties dropped.",
    "params": {"seed": {"type": "int", "default": 42}, "test_size": {"type": "float", "default": 0.1}},
    "sources": {"input": {"default": "data/sample/ultrafeedback", "doc": "raw UltraFeedback records"}},
    "steps": [{"name": "ingest", "polars": "ultrafeedback.ingest"}, {"name": "pairs", "sql": "sql/pairs.sql"}],
    "publish": ["preferences", "dropped", "mismatches"],
    "card": {"source": "UltraFeedback", "license": "mit", "tags": ["ultrafeedback"],
             "citation": "@misc{cui2023ultrafeedback, title={UltraFeedback}}"},
}

MESSAGE = pl.Struct({"role": pl.String, "content": pl.String})
PREFERENCES_SCHEMA = {
    "record_id": pl.Int64, "prompt_id": pl.String, "source": pl.String, "prompt": pl.String,
    "chosen": pl.List(MESSAGE), "rejected": pl.List(MESSAGE),
    "chosen_rating": pl.Float64, "rejected_rating": pl.Float64,
    "chosen_score": pl.Float64, "rejected_score": pl.Float64,
    "chosen_model": pl.String, "rejected_model": pl.String,
    "chosen_index": pl.Int32, "rejected_index": pl.Int32, "split": pl.String,
}
DROPPED_SCHEMA = {"record_id": pl.Int64, "prompt_id": pl.String, "reason": pl.String, "detail": pl.String}
MISMATCHES_SCHEMA = {"record_id": pl.Int64, "prompt_id": pl.String, "completion_index": pl.Int32,
                     "overall_score": pl.Float64, "mean_rating": pl.Float64, "reason": pl.String}
DROP_REASONS = ("tie", "tie", "too_few_completions", "contaminated", "invalid:ratings")


def preference_rows(n: int, variant: int) -> list[dict[str, Any]]:
    """Deterministic rows; `variant` changes the text so two versions differ in content."""
    topics = ["bread", "rivers", "chess", "tides", "lamps", "bees", "maps", "clocks"]
    rows = []
    for i in range(n):
        prompt = f"Tell me about {topics[i % len(topics)]} #{i} (v{variant}). Ünïcödé ✓ | pipe"
        rows.append({
            "record_id": i, "prompt_id": hashlib.sha256(prompt.encode()).hexdigest(), "source": "evol_instruct",
            "prompt": prompt,
            "chosen": [{"role": "user", "content": prompt}, {"role": "assistant", "content": f"A good answer {i}."}],
            "rejected": [{"role": "user", "content": prompt}, {"role": "assistant", "content": f"No. {i}"}],
            "chosen_rating": 4.5, "rejected_rating": 2.25 if i % 3 else None,
            "chosen_score": 8.0, "rejected_score": 4.0,
            "chosen_model": "gpt-4", "rejected_model": "alpaca-7b", "chosen_index": i % 4, "rejected_index": 3 - i % 4,
            "split": "test" if i % 10 == 9 else "train",
        })
    return rows


def write_table(folder: Path, name: str, rows: list[dict[str, Any]], schema: dict[str, Any]) -> dict[str, Any]:
    path = folder / f"{name}.parquet"
    pl.DataFrame(rows, schema=schema).write_parquet(path, compression="zstd")
    duck = {pl.Int64: "BIGINT", pl.Int32: "INTEGER", pl.Float64: "DOUBLE", pl.String: "VARCHAR"}
    return {"files": [path.name], "sha256": [file_sha256(path)], "rows": len(rows),
            "schema": {c: duck.get(t, "STRUCT(role VARCHAR, content VARCHAR)[]") for c, t in schema.items()}}


def write_version(
    folder: Path, *, n: int = 60, variant: int = 1, extra: dict[str, tuple[list[dict[str, Any]], dict[str, Any]]]
    | None = None, spec: dict[str, Any] | None = None,
) -> Path:
    """A version folder with preferences, dropped and an empty mismatches table, plus its manifest."""
    folder.mkdir(parents=True)
    spec = spec or SPEC
    prefs = preference_rows(n, variant)
    dropped = [{"record_id": n + j, "prompt_id": None if j == 4 else f"p{j}", "reason": r, "detail": f"d{j}"}
               for j, r in enumerate(DROP_REASONS)]
    tables = {
        "preferences": write_table(folder, "preferences", prefs, PREFERENCES_SCHEMA),
        "dropped": write_table(folder, "dropped", dropped, DROPPED_SCHEMA),
        "mismatches": write_table(folder, "mismatches", [], MISMATCHES_SCHEMA),
    }
    for name, (rows, schema) in (extra or {}).items():
        tables[name] = write_table(folder, name, rows, schema)
    spec_text = yaml.safe_dump(spec, sort_keys=False)
    manifest = {
        "notus_manifest": 1,
        "version_id": hashlib.sha256(f"{variant}-{n}-{sorted(tables)}".encode()).hexdigest()[:16],
        "pipeline": spec["name"],
        "description": spec["description"],
        "spec_path": f"pipelines/{spec['name']}.yaml",
        "spec": spec,
        "spec_text": spec_text,
        "params": {"seed": 42, "test_size": 0.1},
        "sources": {"input": {"uri": "hf://datasets/openbmb/UltraFeedback@40b436560ca83a8dba36114c22ab3c66e43f6d5e",
                              "fingerprint": "ab" * 32,
                              "files": [{"path": "/cache/ultrafeedback.jsonl", "bytes": 1234, "sha256": "cd" * 32}]}},
        "steps": [{"name": "ingest", "kind": "polars", "fingerprint": "ef" * 32, "reads": [], "writes": ["records"],
                   "seconds": 0.5, "rows": {"records": n + len(dropped)}, "cached": False}],
        "tables": tables,
        "audits": {"audit_accounting": {"ok": True, "rows": 0}},
        "versions": {"notus": "0.1.0", "polars": pl.__version__, "duckdb": "2.0.1", "pyarrow": "26", "python": "3.11"},
        "created_at": "2026-01-01T00:00:00+00:00",
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


@pytest.fixture
def version_dir(tmp_path: Path) -> Path:
    return write_version(tmp_path / "build" / "notus" / "v1")


@pytest.fixture
def other_version_dir(tmp_path: Path) -> Path:
    return write_version(tmp_path / "build" / "notus" / "v2", n=40, variant=2)


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    """A running stand-in Hub; the client is switched online (the suite runs with HF_HUB_OFFLINE=1) and
    HF_TOKEN is set to a token that may write to the `notus-test` namespace."""
    server = HubServer({TOKEN: {ORG}, READ_ONLY_TOKEN: {"someone-else"}}).start()
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    try:
        yield server
    finally:
        huggingface_hub.close_session()
        server.stop()


@pytest.fixture
def silent_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[SilentServer]:
    server = SilentServer().start()
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    try:
        yield server
    finally:
        huggingface_hub.close_session()
        server.stop()
