"""Word n-grams as 64-bit hashes: the one representation both the benchmark index and the prompts use.

Matching is a join on n-gram hashes, so prompts and benchmark items must be hashed by the same code: both
go through `windows`. The words of every text are hashed and exploded into one long frame (text key,
position, word hash); the hash of the window starting at a position combines the hashes of the rows that
follow. Those rows come from shifting the whole column, which is vectorised; a window that would run past
the end of its text is recognised by its position (`fits`), so shifts never mix two texts.

A window of more than BASE words is hashed from the BASE-word hashes at offsets 0, BASE, 2·BASE, … and
size − BASE, which together cover exactly its words: a 13-gram takes 3 shifts of the 5-gram column
instead of 13 shifts of the word column (on 7 M words, 0.2 s instead of 0.6 s of CPU). The definition
depends only on the size, never on which other sizes are asked for, so the index and the prompts agree.
Hashes are Polars' seeded hashes: stable within a Polars version, which is all that is needed since they
are never stored.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

SEED = 0x6E6F747573  # "notus"
BASE = 5
_BASE_COLUMN = "__base_gram"


def window_column(size: int) -> str:
    return f"h{size}"


def exploded_words(texts: pl.LazyFrame, key: str, words: str = "words") -> pl.LazyFrame:
    """One row per word: key, pos (0-based), n_words, word_hash. Texts without words give no rows."""
    return (
        texts.select(key, pl.col(words))
        .filter(pl.col(words).list.len() > 0)
        .select(
            key,
            n_words=pl.col(words).list.len().cast(pl.Int32),
            pos=pl.int_ranges(0, pl.col(words).list.len(), dtype=pl.Int32),
            word_hash=pl.col(words).list.eval(pl.element().hash(SEED)),  # hashed before exploding: cheaper
        )
        .explode("pos", "word_hash")
    )


def _direct(size: int) -> pl.Expr:
    return pl.struct([pl.col("word_hash").shift(-j).alias(f"w{j}") for j in range(size)]).hash(SEED)


def _composed(size: int) -> pl.Expr:
    offsets = [*range(0, size - BASE, BASE), size - BASE]
    return pl.struct([pl.col(_BASE_COLUMN).shift(-o).alias(f"b{o}") for o in offsets]).hash(SEED)


def _window(size: int, *, base_ready: bool) -> pl.Expr:
    if size > BASE:
        return _composed(size)
    return pl.col(_BASE_COLUMN) if size == BASE and base_ready else _direct(size)


def fits(size: int) -> pl.Expr:
    """Whether the window of `size` words starting at this row lies inside its text."""
    return pl.col("pos") + size <= pl.col("n_words")


def windows(exploded: pl.LazyFrame, sizes: Sequence[int], *, masked: bool = True) -> pl.LazyFrame:
    """Add one hash column per window size (`h{size}`). Masked: null where the window would leave its
    text. Unmasked (cheaper on millions of rows), such rows hold a hash of words from two texts, and the
    caller must filter them with `fits(size)` after selecting the few rows it needs."""
    wanted = sorted(set(sizes))
    composed = any(size > BASE for size in wanted)
    frame = exploded.with_columns(_direct(BASE).alias(_BASE_COLUMN)) if composed else exploded
    columns = []
    for size in wanted:
        value = _window(size, base_ready=composed)
        columns.append((pl.when(fits(size)).then(value) if masked else value).alias(window_column(size)))
    frame = frame.with_columns(columns)
    return frame.drop(_BASE_COLUMN) if composed else frame


def window_text(words: pl.Expr, pos: pl.Expr, size: int) -> pl.Expr:
    """The words of a window as text: the evidence recorded for an n-gram match."""
    return words.list.slice(pos, size).list.join(" ")
