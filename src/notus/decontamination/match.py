"""Matching all prompts against the benchmark index at once: joins on hashes, never prompts × items.

Every user turn of a record's conversation is matched (`user_turns`), and a record keeps at most one row
per benchmark and rule. Three rules:
- source: the record's `source` is `truthful_qa` (UltraFeedback's truthful_qa subset IS TruthfulQA).
- exact: the normalised prompt equals a normalised item (a join on the normalised text).
- ngram: the prompt's word n-grams are joined to the items' n-grams; an item's score is the share of its
  n-grams found in the prompt, and it matches at `score >= ngram_threshold` (at least one n-gram always).
  Items shorter than n words match when they occur whole, as contiguous words, inside the prompt (score
  1.0, evidence the item's normalised words): a candidate is any prompt containing the item's first
  `min_item_words` words, verified on the padded normalised texts.
When several items of one benchmark match a record, the best is kept: highest score, then the longer
item (more specific evidence), then the first in file order — deterministic whatever the row order.
Items are matched in each of their index forms (see index.py: punctuation inside words kept or deleted).
"""

from __future__ import annotations

import polars as pl

from notus.decontamination.index import BenchmarkIndex
from notus.decontamination.normalize import with_normalized, words
from notus.decontamination.shingles import exploded_words, fits, window_column, windows

TRUTHFUL_QA_SOURCE = "truthful_qa"

CONTAMINATION_SCHEMA: dict[str, pl.DataType] = {
    "record_id": pl.Int64(),
    "prompt_id": pl.String(),
    "benchmark": pl.String(),
    "method": pl.String(),
    "evidence": pl.String(),
    "score": pl.Float64(),
    "item": pl.String(),
}


def user_turns(prompts: pl.LazyFrame) -> pl.LazyFrame:
    """One row per user turn of every record's conversation (record_id, prompt_id, source, prompt = the
    turn's text), in record then turn order. A benchmark question copied into the first turn of a
    multi-turn dialogue is as much a leak as one in the last; MT-Bench's second turns are items too. A
    frame without `conversation`, or a record whose conversation is NULL, gives its prompt."""
    if "conversation" not in prompts.collect_schema().names():
        return prompts.select("record_id", "prompt_id", "source", "prompt")
    turns = (
        prompts.select("record_id", "prompt_id", "source", "conversation")
        .explode("conversation")
        .filter(pl.col("conversation").struct.field("role") == "user")
        .select("record_id", "prompt_id", "source", prompt=pl.col("conversation").struct.field("content"))
    )
    bare = prompts.filter(pl.col("conversation").is_null()).select("record_id", "prompt_id", "source", "prompt")
    return pl.concat([turns, bare]).sort("record_id", maintain_order=True)


def match_prompts(prompts: pl.LazyFrame, index: BenchmarkIndex, ngram_threshold: float) -> pl.DataFrame:
    """The contamination rows for `prompts` (record_id, prompt_id, source, prompt, conversation): every
    user turn is matched, and a record keeps its best hit per benchmark and method (highest score, then
    the earliest turn)."""
    numbered = user_turns(prompts).with_columns(row=pl.int_range(0, pl.len(), dtype=pl.Int64))
    base = with_normalized(numbered, "prompt").drop("prompt").collect()
    keyed = base.select("row", "record_id", "prompt_id").lazy()
    hits = [by_source(base.lazy()), by_exact(base.lazy(), index), by_ngram(base.lazy(), index, ngram_threshold)]
    return (
        pl.concat([h.join(keyed, on="row") for h in hits])
        .sort(["record_id", "benchmark", "method", "score", "row"], descending=[False, False, False, True, False])
        .unique(["record_id", "benchmark", "method"], keep="first", maintain_order=True)
        .select(list(CONTAMINATION_SCHEMA))
        .cast(CONTAMINATION_SCHEMA)
        .collect()
    )


def by_source(base: pl.LazyFrame) -> pl.LazyFrame:
    return base.filter(pl.col("source") == TRUTHFUL_QA_SOURCE).select(
        "row",
        benchmark=pl.lit("truthfulqa"),
        method=pl.lit("source"),
        evidence=pl.lit(f"source = {TRUTHFUL_QA_SOURCE}"),
        score=pl.lit(1.0),
        item=pl.lit(None, dtype=pl.String),
    )


def by_exact(base: pl.LazyFrame, index: BenchmarkIndex) -> pl.LazyFrame:
    entries = index.entries.lazy().select("norm", "entry", "benchmark", "item")
    return best_per_benchmark(
        base.select("row", "norm").join(entries, on="norm").with_columns(score=pl.lit(1.0), n_words=pl.lit(0))
    ).select("row", "benchmark", method=pl.lit("exact"), evidence="item", score="score", item="item")


def best_per_benchmark(hits: pl.LazyFrame) -> pl.LazyFrame:
    """One hit per (row, benchmark): highest score, then the longer item, then the first entry."""
    return (
        hits.sort(["row", "benchmark", "score", "n_words", "entry"], descending=[False, False, True, True, False])
        .unique(["row", "benchmark"], keep="first", maintain_order=True)
    )


def by_ngram(base: pl.LazyFrame, index: BenchmarkIndex, ngram_threshold: float) -> pl.LazyFrame:
    n, m = index.ngram_n, index.min_item_words
    hn, hm = window_column(n), window_column(m)
    exploded = exploded_words(base.select("row", words=words(pl.col("norm"))), "row")
    # One pass over the millions of word positions keeps only those starting an indexed n-gram or anchor;
    # everything after works on those few rows.
    ngram_hashes = index.ngrams.get_column("hash").unique().implode()
    anchor_hashes = index.anchors.get_column("hash").unique().implode()
    candidates = (
        windows(exploded, [n, m], masked=False)
        .filter(pl.col(hn).is_in(ngram_hashes) | pl.col(hm).is_in(anchor_hashes))
        .collect()
        .lazy()
    )
    entries = index.entries.lazy().select("entry", "benchmark", "item", "norm", "n_words", "n_ngrams")

    long_hits = (
        candidates.filter(fits(n))
        .select("row", hash=pl.col(hn))
        .unique()
        .join(index.ngrams.lazy(), on="hash")
        .group_by("row", "entry")
        .agg(matched=pl.col("ipos").n_unique(), evidence=pl.col("ngram").sort_by("ipos").first())
        .join(entries, on="entry")
        .with_columns(score=pl.col("matched") / pl.col("n_ngrams"))
        .filter(pl.col("score") >= ngram_threshold)
        .select("row", "entry", "benchmark", "item", "n_words", "score", "evidence")
    )
    short_hits = (
        candidates.filter(fits(m))
        .select("row", hash=pl.col(hm))
        .join(index.anchors.lazy(), on="hash")
        .select("row", "entry")
        .unique()
        .join(entries, on="entry")
        .join(base.select("row", prompt_norm="norm"), on="row")
        .filter(
            (" " + pl.col("prompt_norm") + " ").str.contains(" " + pl.col("norm") + " ", literal=True)
        )
        .select("row", "entry", "benchmark", "item", "n_words", score=pl.lit(1.0), evidence="norm")
    )
    return best_per_benchmark(pl.concat([long_hits, short_hits])).select(
        "row", "benchmark", method=pl.lit("ngram"), evidence="evidence", score="score", item="item"
    )
