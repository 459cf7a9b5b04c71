"""Word n-grams as 64-bit hashes: the one representation both the benchmark index and the prompts use.

Matching is a join on n-gram hashes, so prompts and benchmark items must be hashed by the same code: both
go through `windows`. The words of every text are exploded into one long frame (text key, position,
word hash); the hash of the window starting at a position combines the word hashes of the next k rows.
Those rows come from shifting the whole column, which is vectorised; a window that would run past the
end of its text is dropped by position, so shifts never mix two texts. Hashes are Polars' seeded hashes:
stable within a Polars version, which is all that is needed since they are never stored.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

SEED = 0x6E6F747573  # "notus"


def window_column(size: int) -> str:
    return f"h{size}"


def exploded_words(texts: pl.LazyFrame, key: str, words: str = "words") -> pl.LazyFrame:
    """One row per word: key, pos (0-based), n_words, word_hash. Texts without words give no rows."""
    return (
        texts.select(key, pl.col(words))
        .filter(pl.col(words).list.len() > 0)
        .with_columns(
            n_words=pl.col(words).list.len().cast(pl.Int32),
            pos=pl.int_ranges(0, pl.col(words).list.len(), dtype=pl.Int32),
        )
        .explode(words, "pos")
        .with_columns(word_hash=pl.col(words).hash(SEED))
        .drop(words)
    )


def windows(exploded: pl.LazyFrame, sizes: Sequence[int]) -> pl.LazyFrame:
    """Add one hash column per window size (`h{size}`), null where the window would leave its text."""
    columns = []
    for size in sorted(set(sizes)):
        parts = [pl.col("word_hash").shift(-j).alias(f"w{j}") for j in range(size)]
        fits = pl.col("pos") + size <= pl.col("n_words")
        columns.append(pl.when(fits).then(pl.struct(parts).hash(SEED)).alias(window_column(size)))
    return exploded.with_columns(columns)


def window_text(words: pl.Expr, pos: pl.Expr, size: int) -> pl.Expr:
    """The words of a window as text: the evidence recorded for an n-gram match."""
    return words.list.slice(pos, size).list.join(" ")
