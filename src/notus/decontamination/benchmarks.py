"""Reading benchmark prompt sets in the formats they are published in.

The four sets come from different places, each with its own layout: TruthfulQA as a CSV (`Question`) in
sylinrl/TruthfulQA or as Parquet (`question`) in the Hub dataset truthfulqa/truthful_qa; AlpacaEval as
JSON lines or a JSON array (`instruction`); MT-Bench and Vicuna-bench as FastChat question.jsonl (`turns`,
a list) or as HuggingFaceH4/mt_bench_prompts Parquet (`prompt`, a list). Every turn of a multi-turn item
is an item of its own, since a training prompt can copy any of them.

Which benchmark a file holds is read from its name, or from the nearest folder name when the file name
says nothing (the Hub layout, e.g. `truthfulqa/generation/validation-….parquet`). A file that names no
known benchmark, or lacks the expected field, is an error rather than silently skipped: a decontamination
that quietly checked nothing is the failure users of other tools complained about.
"""

from __future__ import annotations

import gzip
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from notus.core.errors import DataError, first_line

# benchmark -> words that identify its files (matched against lowercased file and folder names)
BENCHMARK_NAMES: dict[str, tuple[str, ...]] = {
    "truthfulqa": ("truthful",),
    "alpaca_eval": ("alpaca",),
    "mt_bench": ("mt_bench", "mt-bench", "mtbench"),
    "vicuna_bench": ("vicuna",),
}

# benchmark -> candidate fields holding the prompt text, in order of preference
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "truthfulqa": ("Question", "question"),
    "alpaca_eval": ("instruction",),
    "mt_bench": ("turns", "prompt", "prompts"),
    "vicuna_bench": ("turns", "prompt", "prompts"),
}

ITEM_SCHEMA = {
    "item_key": pl.Int64, "benchmark": pl.String, "file": pl.String, "row": pl.Int64, "turn": pl.Int64,
    "item": pl.String,
}


@dataclass(frozen=True)
class BenchmarkFile:
    """One file read: which set it belongs to and how many item texts it gave."""

    benchmark: str
    path: Path
    items: int


def benchmark_of(path: Path, root: Path) -> str | None:
    """The benchmark a file belongs to, judged by its name, then by its folders up to `root`."""
    parts = [path.name, *(p.name for p in path.parents if p != root and root in p.parents)]
    for part in parts:
        lowered = part.lower()
        for benchmark, names in BENCHMARK_NAMES.items():
            if any(n in lowered for n in names):
                return benchmark
    return None


def common_root(paths: Sequence[Path]) -> Path:
    """The folder the benchmark files were gathered from (names above it are not evidence)."""
    return Path(os.path.commonpath([str(p.parent) for p in paths]))


def load_items(paths: Sequence[str | Path]) -> tuple[pl.DataFrame, list[BenchmarkFile]]:
    """Every item text of every file, with a stable key (file order, row, turn) for tie-breaking."""
    files = [Path(p) for p in paths]
    if not files:
        raise DataError("benchmarks: the source has no data files (expected e.g. TruthfulQA.csv)")
    root = common_root(files)
    frames: list[pl.DataFrame] = []
    read: list[BenchmarkFile] = []
    offset = 0
    for path in files:
        benchmark = benchmark_of(path, root)
        if benchmark is None:
            known = ", ".join(sorted(BENCHMARK_NAMES))
            raise DataError(
                f"benchmarks: cannot tell which benchmark {path} holds (its name or folder must name one "
                f"of: {known})"
            )
        texts = _texts(path, benchmark)
        frame = texts.with_columns(
            item_key=pl.int_range(offset, offset + texts.height, dtype=pl.Int64),
            benchmark=pl.lit(benchmark),
            file=pl.lit(str(path)),
        ).select(list(ITEM_SCHEMA))
        offset += texts.height
        frames.append(frame)
        read.append(BenchmarkFile(benchmark=benchmark, path=path, items=texts.height))
    return pl.concat(frames).cast(ITEM_SCHEMA), read


def _texts(path: Path, benchmark: str) -> pl.DataFrame:
    """(row, turn, item) for one file; null and blank texts are not items."""
    table = _read_table(path)
    fields = TEXT_FIELDS[benchmark]
    field = next((f for f in fields if f in table.columns), None)
    if field is None:
        raise DataError(
            f"benchmarks: {path} ({benchmark}) has no field {' or '.join(fields)} "
            f"(columns: {', '.join(table.columns[:12])})"
        )
    column = table.get_column(field)
    frame = pl.DataFrame({"row": pl.int_range(0, table.height, dtype=pl.Int64, eager=True), "item": column})
    if isinstance(column.dtype, pl.List):
        frame = frame.with_columns(turn=pl.int_ranges(0, pl.col("item").list.len(), dtype=pl.Int64))
        frame = frame.explode("item", "turn")
    elif column.dtype == pl.String:
        frame = frame.with_columns(turn=pl.lit(0, dtype=pl.Int64))
    else:
        raise DataError(f"benchmarks: {path}: field {field} is {column.dtype}, expected text or a list of texts")
    item = pl.col("item").cast(pl.String)
    return frame.with_columns(item).filter(item.is_not_null() & (item.str.strip_chars() != ""))


def _read_table(path: Path) -> pl.DataFrame:
    name = path.name.lower()
    try:
        if name.endswith(".parquet"):
            return pl.read_parquet(path)
        raw = path.read_bytes()
        if name.endswith(".gz"):
            raw = gzip.decompress(raw)
            name = name[:-3]
        if name.endswith(".csv"):
            return pl.read_csv(io.BytesIO(raw), infer_schema=False)
        if name.endswith((".jsonl", ".ndjson")):
            return pl.read_ndjson(io.BytesIO(raw), infer_schema_length=None)
        if name.endswith(".json"):
            return _read_json(raw)
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise DataError(f"benchmarks: cannot read {path}: {first_line(exc)}") from None
    raise DataError(f"benchmarks: {path}: unsupported format (csv, jsonl, json or parquet)")


def _read_json(raw: bytes) -> pl.DataFrame:
    """A JSON array of records (alpaca_eval.json); JSON lines saved as .json are accepted too."""
    stripped = raw.lstrip()
    if stripped.startswith(b"["):
        return pl.read_json(io.BytesIO(raw), infer_schema_length=None)
    return pl.read_ndjson(io.BytesIO(raw), infer_schema_length=None)
