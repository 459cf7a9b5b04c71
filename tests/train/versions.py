"""Small `preferences` versions for the training tests, written in the engine's manifest format.

Training must not depend on the curation pipeline having run, so the tests build their own version folder:
real prompt/chosen/rejected text from ../shared/data/ultrafeedback-binarized-sample when it is there (1,000
train + 200 test rows), generated text otherwise. The manifest carries real sha256 digests, so
`Version.verify()` passes on it and fails once a file is touched.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from notus.core.digests import file_sha256
from tests.support.paths import REPO

SHARED_SAMPLE = REPO / ".." / "shared" / "data" / "ultrafeedback-binarized-sample"

MESSAGE = pa.struct([("role", pa.string()), ("content", pa.string())])
PREFERENCES_SCHEMA = pa.schema(
    [
        ("record_id", pa.int64()),
        ("prompt_id", pa.string()),
        ("source", pa.string()),
        ("prompt", pa.string()),
        ("chosen", pa.list_(MESSAGE)),
        ("rejected", pa.list_(MESSAGE)),
        ("chosen_rating", pa.float64()),
        ("rejected_rating", pa.float64()),
        ("chosen_score", pa.float64()),
        ("rejected_score", pa.float64()),
        ("chosen_model", pa.string()),
        ("rejected_model", pa.string()),
        ("chosen_index", pa.int32()),
        ("rejected_index", pa.int32()),
        ("split", pa.string()),
    ]
)
DUCKDB_TYPES = {
    "record_id": "BIGINT",
    "chosen": "STRUCT(role VARCHAR, content VARCHAR)[]",
    "rejected": "STRUCT(role VARCHAR, content VARCHAR)[]",
    "chosen_rating": "DOUBLE",
    "rejected_rating": "DOUBLE",
    "chosen_score": "DOUBLE",
    "rejected_score": "DOUBLE",
    "chosen_index": "INTEGER",
    "rejected_index": "INTEGER",
}


def preference_row(
    record_id: int, prompt: str, chosen: str, rejected: str, split: str, scores: tuple[float, float]
) -> dict[str, Any]:
    return {
        "record_id": record_id,
        "prompt_id": hashlib.sha256(prompt.encode()).hexdigest(),
        "source": "ultrafeedback-binarized-sample",
        "prompt": prompt,
        "chosen": [{"role": "user", "content": prompt}, {"role": "assistant", "content": chosen}],
        "rejected": [{"role": "user", "content": prompt}, {"role": "assistant", "content": rejected}],
        "chosen_rating": scores[0] / 2,
        "rejected_rating": scores[1] / 2,
        "chosen_score": scores[0],
        "rejected_score": scores[1],
        "chosen_model": "model-a",
        "rejected_model": "model-b",
        "chosen_index": 0,
        "rejected_index": 1,
        "split": split,
    }


def shared_rows() -> list[dict[str, Any]]:
    rows = []
    for split, name in (("train", "train-1000.jsonl"), ("test", "test-200.jsonl")):
        for line in (SHARED_SAMPLE / name).read_text().splitlines():
            r = json.loads(line)
            scores = (float(r["metadata"]["score_chosen"]), float(r["metadata"]["score_rejected"]))
            rows.append(preference_row(len(rows), r["prompt"], r["chosen"], r["rejected"], split, scores))
    return rows


def generated_rows(n_train: int = 400, n_test: int = 80) -> list[dict[str, Any]]:
    """Deterministic stand-in text: chosen answers are helpful sentences, rejected ones curt refusals."""
    topics = ["bread", "rivers", "chess", "tides", "lamps", "bees", "maps", "clocks", "glass", "salt"]
    verbs = ["explain", "describe", "summarize", "compare", "list facts about"]
    rows = []
    for i in range(n_train + n_test):
        topic, verb = topics[i % len(topics)], verbs[(i // len(topics)) % len(verbs)]
        prompt = f"Please {verb} {topic} (question {i})."
        chosen = f"Sure. Here is a short answer about {topic}: it is interesting, and here are {i % 7 + 2} points."
        rejected = f"No. I will not talk about {topic}."
        split = "train" if i < n_train else "test"
        rows.append(preference_row(i, prompt, chosen, rejected, split, (8.0, 3.0)))
    return rows


def write_version(folder: Path, rows: list[dict[str, Any]], version_id: str = "test-version") -> Path:
    """A version folder with preferences.parquet and a manifest.json whose digests match it."""
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(rows, schema=PREFERENCES_SCHEMA)
    pq.write_table(table, folder / "preferences.parquet", compression="zstd")
    manifest = {
        "version_id": version_id,
        "pipeline": "notus",
        "params": {"seed": 42, "test_size": sum(r["split"] == "test" for r in rows)},
        "tables": {
            "preferences": {
                "files": ["preferences.parquet"],
                "sha256": [file_sha256(folder / "preferences.parquet")],
                "rows": len(rows),
                "schema": {f.name: DUCKDB_TYPES.get(f.name, "VARCHAR") for f in PREFERENCES_SCHEMA},
            }
        },
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def fixture_rows() -> list[dict[str, Any]]:
    return shared_rows() if SHARED_SAMPLE.is_dir() else generated_rows()
