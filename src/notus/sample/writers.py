"""File writers for the sample: JSON lines, JSON arrays or Parquet shards, and the truth table.

WHY streaming writers: 640k records are several gigabytes of text, so records go to disk chunk by chunk
and only the current chunk is ever in memory. Each file is written under a temporary name and renamed
when complete, so an interrupted run never leaves a half-written shard that looks finished.

Parquet holds the records as the Hugging Face dataset stores them (nested structs). One Parquet file has
one schema, so two JSON quirks are normalised there: the one-item-list annotation shape becomes the struct
shape, and the `Type` string "None" becomes an empty list (a missing `fine-grained_score` is NULL).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from notus.sample.records import TruthRow

FORMATS: tuple[str, ...] = ("jsonl", "json", "parquet")

_SIMPLE_ASPECT = pa.struct([("Rating", pa.string()), ("Rationale", pa.string())])
_TYPED_ASPECT = pa.struct([
    ("Type", pa.list_(pa.string())), ("Rationale", pa.string()), ("Rating", pa.string()),
    ("Rationale For Rating", pa.string()),
])
COMPLETION_TYPE = pa.struct([
    ("model", pa.string()),
    ("principle", pa.string()),
    ("custom_system_prompt", pa.string()),
    ("response", pa.string()),
    ("annotations", pa.struct([
        ("instruction_following", _SIMPLE_ASPECT), ("honesty", _SIMPLE_ASPECT),
        ("truthfulness", _TYPED_ASPECT), ("helpfulness", _TYPED_ASPECT),
    ])),
    ("critique", pa.string()),
    ("overall_score", pa.float64()),
    ("fine-grained_score", pa.float64()),
])
RECORD_SCHEMA = pa.schema([
    ("source", pa.string()),
    ("instruction", pa.string()),
    ("models", pa.list_(pa.string())),
    ("completions", pa.list_(COMPLETION_TYPE)),
    ("correct_answers", pa.list_(pa.string())),
    ("incorrect_answers", pa.list_(pa.string())),
])
TRUTH_SCHEMA = pa.schema([
    ("record_id", pa.int64()),
    ("completion_index", pa.int32()),
    ("kind", pa.string()),
    ("detail", pa.string()),
    ("true_overall_score", pa.float64()),
    ("item", pa.string()),
    ("origin", pa.string()),
])


def _struct_aspect(value: Any) -> dict[str, Any]:
    aspect = value[0] if isinstance(value, list) else value
    if "Type" in aspect and not isinstance(aspect["Type"], list):
        aspect = {**aspect, "Type": []}
    return aspect


def parquet_row(record: dict[str, Any]) -> dict[str, Any]:
    """`record` with the JSON-only quirks normalised to the one Parquet schema."""
    completions = [
        {**c, "annotations": {k: _struct_aspect(v) for k, v in c["annotations"].items()}}
        for c in record["completions"]
    ]
    return {**record, "completions": completions}


_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode

Payload = bytes | pa.Table


def encode_chunk(records: list[dict[str, Any]], fmt: str) -> Payload:
    """A chunk of records ready for `ShardWriter.write`: UTF-8 JSON texts joined by newlines, or an Arrow
    table. Done apart from the writing so that worker processes can do it."""
    if fmt == "parquet":
        return pa.Table.from_pylist([parquet_row(r) for r in records], schema=RECORD_SCHEMA)
    # Encoding line by line keeps every str compact; one joined str with an emoji would be 4 bytes a char.
    return b"\n".join(_ENCODE(r).encode("utf-8") for r in records)


class ShardWriter:
    """Writes one shard of records in one of FORMATS."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.path, self.fmt = path, fmt
        self._tmp = path.with_name(path.name + ".tmp")
        self._count = 0
        self._parquet: pq.ParquetWriter | None = None
        self._binary: BinaryIO | None = None
        if fmt == "parquet":
            self._parquet = pq.ParquetWriter(self._tmp, RECORD_SCHEMA, compression="zstd")
        else:
            self._binary = self._tmp.open("wb")
            if fmt == "json":
                self._binary.write(b"[\n")

    def write(self, payload: Payload, count: int) -> None:
        """Append `count` records encoded by `encode_chunk`."""
        if not count:
            return
        if self._parquet is not None:
            assert isinstance(payload, pa.Table)
            self._parquet.write_table(payload)
        else:
            assert self._binary is not None and isinstance(payload, bytes)
            if self.fmt == "jsonl":
                self._binary.write(payload + b"\n")
            else:
                self._binary.write((b",\n" if self._count else b"") + payload.replace(b"\n", b",\n"))
        self._count += count

    def close(self) -> Path:
        if self._parquet is not None:
            self._parquet.close()
        else:
            assert self._binary is not None
            if self.fmt == "json":
                self._binary.write(b"\n]\n" if self._count else b"]\n")
            self._binary.close()
        os.replace(self._tmp, self.path)
        return self.path


class TruthWriter:
    """Streams truth rows to one Parquet file, in row groups of a fixed size so that the file's bytes do
    not depend on how the records were chunked (shards, workers)."""

    ROW_GROUP = 65_536

    def __init__(self, path: Path) -> None:
        self.path = path
        self._tmp = path.with_name(path.name + ".tmp")
        self._writer = pq.ParquetWriter(self._tmp, TRUTH_SCHEMA, compression="zstd")
        self._pending: list[TruthRow] = []
        self.counts: dict[str, int] = {}

    def write(self, rows: list[TruthRow]) -> None:
        self._pending.extend(rows)
        for row in rows:
            self.counts[row.kind] = self.counts.get(row.kind, 0) + 1
        while len(self._pending) >= self.ROW_GROUP:
            self._flush(self._pending[: self.ROW_GROUP])
            del self._pending[: self.ROW_GROUP]

    def _flush(self, rows: list[TruthRow]) -> None:
        columns = list(zip(*rows, strict=True))
        self._writer.write_table(pa.Table.from_arrays(
            [pa.array(col, type=field.type) for col, field in zip(columns, TRUTH_SCHEMA, strict=True)],
            schema=TRUTH_SCHEMA))

    def close(self) -> Path:
        if self._pending:
            self._flush(self._pending)
            self._pending = []
        self._writer.close()
        os.replace(self._tmp, self.path)
        return self.path
