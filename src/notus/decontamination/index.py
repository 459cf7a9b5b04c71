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

Punctuation inside a word is ambiguous: a copy of "U.S.", "bell-ringer" or "9/11" may keep it (normalised
to "u s", "bell ringer", "9 11") or lose it ("us", "bellringer", "911"). Prompts are normalised once, so
each item whose text has such punctuation is indexed in both forms (an `entry` per form): 14 % of the
real benchmark items have one.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from notus.decontamination.normalize import with_normalized, words
from notus.decontamination.shingles import exploded_words, window_column, window_text, windows

FORMS = ("split", "joined")  # punctuation as a word break (the normal form), or deleted


@dataclass(frozen=True)
class BenchmarkIndex:
    """Index tables over the distinct items of all benchmark sets, each in one or two forms."""

    ngram_n: int
    min_item_words: int
    items: pl.DataFrame  # item_key, benchmark, file, item, norm (split form), n_words, rule
    entries: pl.DataFrame  # entry, item_key, form, benchmark, item, norm, n_words, n_ngrams, rule
    ngrams: pl.DataFrame  # hash, entry, ipos, ngram  (entries with n_words >= ngram_n)
    anchors: pl.DataFrame  # hash, entry  (entries with min_item_words <= n_words < ngram_n)


def item_rule(n_words: pl.Expr, ngram_n: int, min_item_words: int) -> pl.Expr:
    """Which matching rule a text of this length gets (see the module docstring)."""
    return (
        pl.when(n_words >= ngram_n).then(pl.lit("ngram"))
        .when(n_words >= min_item_words).then(pl.lit("contained"))
        .otherwise(pl.lit("exact_only"))
    )


def _sized(frame: pl.LazyFrame, ngram_n: int, min_item_words: int) -> pl.LazyFrame:
    return (
        frame.with_columns(words=words(pl.col("norm")))
        .with_columns(n_words=pl.col("words").list.len().cast(pl.Int32))
        .with_columns(
            n_ngrams=pl.max_horizontal(pl.col("n_words") - ngram_n + 1, pl.lit(0)).cast(pl.Int32),
            rule=item_rule(pl.col("n_words"), ngram_n, min_item_words),
        )
    )


def build_index(raw_items: pl.DataFrame, ngram_n: int, min_item_words: int) -> BenchmarkIndex:
    """Normalise, deduplicate (per benchmark, keeping the first occurrence) and index the items."""
    items = (
        with_normalized(raw_items.lazy(), "item")
        .filter(pl.col("norm") != "")
        .sort("item_key")
        .unique(["benchmark", "norm"], keep="first", maintain_order=True)
    )
    without_punctuation = items.select(
        "item_key", "benchmark", "item", split_norm="norm",
        deleted=pl.col("item").str.replace_all(r"[^\p{L}\p{N}\s]+", ""),
    )
    joined = (
        with_normalized(without_punctuation, "deleted")
        .filter((pl.col("norm") != pl.col("split_norm")) & (pl.col("norm") != ""))
        .select("item_key", "benchmark", "item", "norm", form=pl.lit(FORMS[1]))
    )
    entries = _sized(
        pl.concat([items.select("item_key", "benchmark", "item", "norm", form=pl.lit(FORMS[0])), joined])
        .sort("item_key", "form", descending=[False, True])  # "split" before "joined"
        .with_columns(entry=pl.int_range(0, pl.len(), dtype=pl.Int64)),
        ngram_n, min_item_words,
    ).collect()

    long_entries = entries.lazy().filter(pl.col("rule") == "ngram")
    ngrams = (
        windows(exploded_words(long_entries, "entry"), [ngram_n])
        .filter(pl.col(window_column(ngram_n)).is_not_null())
        .select(hash=pl.col(window_column(ngram_n)), entry="entry", ipos="pos")
        .join(long_entries.select("entry", "words"), on="entry")
        .with_columns(ngram=window_text(pl.col("words"), pl.col("ipos"), ngram_n))
        .drop("words")
        .sort("entry", "ipos")
        .collect()
    )
    anchors = (
        windows(exploded_words(entries.lazy().filter(pl.col("rule") == "contained"), "entry"), [min_item_words])
        .filter(pl.col("pos") == 0)
        .select(hash=pl.col(window_column(min_item_words)), entry="entry")
        .sort("entry")
        .collect()
    )
    split_forms = entries.filter(pl.col("form") == FORMS[0]).select("item_key", "norm", "n_words", "rule")
    return BenchmarkIndex(
        ngram_n=ngram_n, min_item_words=min_item_words,
        items=items.collect().select("item_key", "benchmark", "file", "item").join(split_forms, on="item_key"),
        entries=entries.drop("words"), ngrams=ngrams, anchors=anchors,
    )
