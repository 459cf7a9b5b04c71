"""Writing a shape sample: `OUT/<schema>/<file>` in the dataset's own file name and format, the truth table
`OUT/<schema>-truth.parquet` (record_id, kind, expected outcome), and for the H4 schema the synthetic
benchmark set it plants copies from (`OUT/benchmarks`, as `notus sample` writes for UltraFeedback).

The truth file sits beside the records' folder, not in it: the folder is a pipeline's input, and every
file in it is read as records.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from notus.core.errors import UsageError
from notus.sample.benchmarks import write_synthetic
from notus.sample.shapes import SCHEMAS, records

FILES = {"hh-rlhf": "train", "ultrafeedback-binarized": "train_prefs", "helpsteer2": "train", "nectar": "rlaif"}
DEFAULT_SCHEMA = {"pairwise": "hh-rlhf", "rated": "helpsteer2", "ranked": "nectar"}
TRUTH_SCHEMA = pa.schema([("record_id", pa.int64()), ("kind", pa.string()), ("expected", pa.string())])


@dataclass(frozen=True)
class ShapeSample:
    records: int
    paths: list[Path]
    truth: dict[str, int]


def schema_for(shape: str, schema: str | None) -> str:
    """The schema a `--shape` (and optional `--schema`) asks for; UsageError when they do not fit."""
    chosen = schema or DEFAULT_SCHEMA[shape]
    if SCHEMAS.get(chosen) != shape:
        fitting = ", ".join(s for s, k in SCHEMAS.items() if k == shape)
        raise UsageError(f"--schema {chosen} is not a {shape} schema (choose one of {fitting})")
    return chosen


def write_shape(out: Path, schema: str, count: int, seed: int, fmt: str = "jsonl") -> ShapeSample:
    """Write `count` records of `schema` (deterministic in seed) as `fmt` (jsonl or parquet)."""
    if count < 1:
        raise UsageError(f"--prompts must be >= 1, got {count}")
    if fmt not in ("jsonl", "parquet"):
        raise UsageError(f"--format {fmt}: shape samples are written as jsonl or parquet")
    rows, truth = records(schema, count, seed)
    folder = out / schema
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    path = folder / f"{FILES[schema]}.{fmt}"
    if fmt == "parquet":
        pq.write_table(pa.Table.from_pylist(rows), path, compression="zstd")
    else:
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    truth_path = out / f"{schema}-truth.parquet"
    pq.write_table(pa.Table.from_pylist(truth, schema=TRUTH_SCHEMA), truth_path)
    paths = [path, truth_path]
    if schema == "ultrafeedback-binarized" and not (out / "benchmarks").is_dir():
        paths += write_synthetic(out / "benchmarks")
    kinds: dict[str, int] = {}
    for row in truth:
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    return ShapeSample(len(rows), paths, dict(sorted(kinds.items())))
