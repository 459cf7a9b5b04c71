"""The benchmark index: built once per run from the benchmark items, then joined against all prompts.

Items fall into three groups by their normalised word count L (n = ngram_n, m = min_item_words):
- L >= n: every n-gram of the item is indexed; a prompt matches by the share of them it contains
  (the coverage score of open-instruct; lm-evaluation-harness's any-shared-13-gram is threshold 0).
- m <= L < n: the item has no n-gram at all (76 % of TruthfulQA is under 13 words), so it is matched
  whole: the item must occur as a contiguous word sequence inside the prompt. Its first m words are
  indexed as an anchor that finds candidate prompts; each candidate is then verified on the full text.
- L < m: too short to be evidence inside a longer prompt ("who are you", "can pigs fly"); only an exact
  match of the whole prompt counts.
Every item is also indexed by its normalised text for the exact rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from notus.decontamination.normalize import with_normalized, words
from notus.decontamination.shingles import exploded_words, window_column, window_text, windows


@dataclass(frozen=True)
class BenchmarkIndex:
    """Index tables over the distinct items of all benchmark sets."""

    ngram_n: int
    min_item_words: int
    items: pl.DataFrame  # item_key, benchmark, item, norm, n_words, n_ngrams, rule
    ngrams: pl.DataFrame  # hash, item_key, ipos, ngram  (items with n_words >= ngram_n)
    anchors: pl.DataFrame  # hash, item_key  (items with min_item_words <= n_words < ngram_n)

    @property
    def empty(self) -> bool:
        return self.items.is_empty()


def item_rule(n_words: pl.Expr, ngram_n: int, min_item_words: int) -> pl.Expr:
    """Which matching rule an item of this length gets (see the module docstring)."""
    return (
        pl.when(n_words >= ngram_n).then(pl.lit("ngram"))
        .when(n_words >= min_item_words).then(pl.lit("contained"))
        .otherwise(pl.lit("exact_only"))
    )


def build_index(raw_items: pl.DataFrame, ngram_n: int, min_item_words: int) -> BenchmarkIndex:
    """Normalise, deduplicate (per benchmark, keeping the first occurrence) and index the items."""
    items = (
        with_normalized(raw_items.lazy(), "item")
        .filter(pl.col("norm") != "")
        .sort("item_key")
        .unique(["benchmark", "norm"], keep="first", maintain_order=True)
        .with_columns(words=words(pl.col("norm")))
        .with_columns(n_words=pl.col("words").list.len().cast(pl.Int32))
        .with_columns(
            n_ngrams=pl.max_horizontal(pl.col("n_words") - ngram_n + 1, pl.lit(0)).cast(pl.Int32),
            rule=item_rule(pl.col("n_words"), ngram_n, min_item_words),
        )
        .collect()
    )
    long_items = items.lazy().filter(pl.col("rule") == "ngram")
    hashed = windows(exploded_words(long_items, "item_key"), [ngram_n])
    ngrams = (
        hashed.filter(pl.col(window_column(ngram_n)).is_not_null())
        .select(hash=pl.col(window_column(ngram_n)), item_key="item_key", ipos="pos")
        .join(long_items.select("item_key", "words"), on="item_key")
        .with_columns(ngram=window_text(pl.col("words"), pl.col("ipos"), ngram_n))
        .drop("words")
        .sort("item_key", "ipos")
        .collect()
    )
    short_items = items.lazy().filter(pl.col("rule") == "contained")
    anchors = (
        windows(exploded_words(short_items, "item_key"), [min_item_words])
        .filter(pl.col("pos") == 0)
        .select(hash=pl.col(window_column(min_item_words)), item_key="item_key")
        .sort("item_key")
        .collect()
    )
    return BenchmarkIndex(
        ngram_n=ngram_n, min_item_words=min_item_words, items=items.drop("words"), ngrams=ngrams,
        anchors=anchors,
    )
