"""The registered step `decontamination.match`: prompts in, `contamination` and `benchmark_sets` out.

The benchmark folder is a pipeline source, so the engine fingerprints its files and they enter the
version id; `benchmark_sets` records which files were used, their hashes and how many items each gave,
so the manifest (which lists every published table) says what the data was checked against. The step
also prints one line naming the sets, since a decontamination that silently ran against nothing is the
failure users of other tools reported.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import polars as pl

from notus.core.sources import Source
from notus.core.step import StepContext, polars_step
from notus.decontamination.benchmarks import BenchmarkFile, common_root, load_items
from notus.decontamination.index import BenchmarkIndex, build_index
from notus.decontamination.match import CONTAMINATION_SCHEMA, match_prompts

BENCHMARK_SETS_SCHEMA: dict[str, pl.DataType] = {
    "benchmark": pl.String(),
    "file": pl.String(),  # relative to the source's folder
    "uri": pl.String(),  # the source it came from (a folder, or benchmarks+hub://...)
    "sha256": pl.String(),
    "items": pl.Int64(),  # texts read (every turn counts)
    "indexed": pl.Int64(),  # distinct normalised items kept from this file
    "ngram_items": pl.Int64(),  # indexed items of >= ngram_n words: matched by n-gram coverage
    "contained_items": pl.Int64(),  # min_item_words .. ngram_n-1 words: matched whole inside a prompt
    "exact_only_items": pl.Int64(),  # fewer than min_item_words words: matched only exactly
}


@polars_step(
    "decontamination.match",
    reads={"prompts": ["record_id", "prompt_id", "source", "prompt", "conversation"]},
    writes={"contamination": list(CONTAMINATION_SCHEMA), "benchmark_sets": list(BENCHMARK_SETS_SCHEMA)},
    params=("ngram_n", "ngram_threshold", "min_item_words"),
    sources=("benchmarks",),
)
def decontamination_match(ctx: StepContext, prompts: pl.LazyFrame) -> dict[str, pl.LazyFrame]:
    """Flag records with a user turn that is, contains, or copies most of a benchmark item (TruthfulQA,
    AlpacaEval, MT-Bench, Vicuna-bench): by source, by exact normalised text, and by word n-grams."""
    ngram_n, ngram_threshold, min_item_words = _params(ctx.params)
    source = ctx.sources["benchmarks"]
    raw_items, files = load_items(source.paths)
    index = build_index(raw_items, ngram_n, min_item_words)
    contamination = match_prompts(prompts, index, ngram_threshold)
    sets = benchmark_sets(files, index, source)
    print(summary(sets, contamination, source.uri), file=sys.stderr)
    return {"contamination": contamination.lazy(), "benchmark_sets": sets.lazy()}


def _params(params: Any) -> tuple[int, float, int]:
    """The three params; their ranges are declared in the pipeline spec and checked before the run."""
    return int(params["ngram_n"]), float(params["ngram_threshold"]), int(params["min_item_words"])


def benchmark_sets(files: list[BenchmarkFile], index: BenchmarkIndex, source: Source) -> pl.DataFrame:
    """One row per benchmark file: what was read, its hash, and how its items are matched."""
    root = common_root([f.path for f in files])
    digests = {str(f.path): f.sha256 for f in source.files}
    per_file = index.items.group_by("file").agg(
        indexed=pl.len(),
        ngram_items=(pl.col("rule") == "ngram").sum(),
        contained_items=(pl.col("rule") == "contained").sum(),
        exact_only_items=(pl.col("rule") == "exact_only").sum(),
    )
    listed = pl.DataFrame(
        {
            "benchmark": [f.benchmark for f in files],
            "file": [str(f.path) for f in files],
            "relative": [Path(f.path).relative_to(root).as_posix() for f in files],
            "sha256": [digests.get(str(f.path)) for f in files],
            "items": [f.items for f in files],
        },
        schema={"benchmark": pl.String, "file": pl.String, "relative": pl.String, "sha256": pl.String,
                "items": pl.Int64},
    )
    return (
        listed.join(per_file, on="file", how="left")
        .with_columns(pl.col(c).fill_null(0) for c in ("indexed", "ngram_items", "contained_items",
                                                       "exact_only_items"))
        .with_columns(file=pl.col("relative"), uri=pl.lit(source.uri))
        .select(list(BENCHMARK_SETS_SCHEMA))
        .cast(BENCHMARK_SETS_SCHEMA)
        .sort("benchmark", "file")
    )


def summary(sets: pl.DataFrame, contamination: pl.DataFrame, uri: str) -> str:
    """One line for the run's output: the sets used and what was found."""
    per_set = sets.group_by("benchmark", maintain_order=True).agg(pl.col("indexed").sum())
    listed = ", ".join(f"{b} {n}" for b, n in per_set.iter_rows())
    flagged = contamination.get_column("record_id").n_unique()
    by_method = contamination.group_by("method").agg(pl.col("record_id").n_unique()).sort("method")
    methods = ", ".join(f"{m} {n}" for m, n in by_method.iter_rows()) or "none"
    return f"decontamination: benchmarks from {uri} ({listed} items); {flagged} records flagged ({methods})"
