"""Text normalisation shared by benchmark items and prompts, so that both sides of a match agree.

A copy of a benchmark question rarely arrives byte-identical: it is re-cased, its quotes are curly, its
whitespace differs, its accents are composed differently, a question mark is lost. Matching therefore
compares normalised words, following lm-evaluation-harness (lowercase, no punctuation, whitespace-split)
and datatrove (diacritics folded): NFKD folds compatibility forms (full-width letters, ligatures) and
splits accents off so they can be dropped; apostrophes are deleted so that "don't", "don’t" and "dont"
agree; every other character that is not a letter or a digit separates words.

It runs as Polars expressions over all prompts at once. Unicode decomposition is the costly part and is
the identity on ASCII text, so only rows holding a non-ASCII character go through it (about a fifth of
UltraFeedback prompts); on 64k prompts that takes normalisation from about 1.1 s to 0.3 s on 2 cores.
The benchmark index goes through the very same code, so the two sides cannot drift apart.
"""

from __future__ import annotations

import polars as pl

# Apostrophe look-alikes: deleted rather than turned into a space, so contractions stay one word.
_APOSTROPHES = r"['\u2018\u2019\u201b\u02bc\u02b9`\u00b4\u2032]"
# A run of non-alphanumerics holding something other than a space, or a run of spaces: replaced by one
# space. Single spaces between words (most of the text) are not matches, which makes this one pass about
# twice as fast as replacing every separator.
_SEPARATORS = r"[^\p{L}\p{N}]*[^\p{L}\p{N} ][^\p{L}\p{N}]*| {2,}"
_ROW = "__normalize_row"


def _folded(text: pl.Expr) -> pl.Expr:
    """Compatibility decomposition with combining marks (accents) removed."""
    return text.str.normalize("NFKD").str.replace_all(r"\p{M}+", "")


def _words_only(text: pl.Expr) -> pl.Expr:
    """Lowercase, apostrophes deleted, every run of other non-alphanumerics turned into one space."""
    return (
        text.str.to_lowercase()
        .str.replace_all(_APOSTROPHES, "")
        .str.replace_all(_SEPARATORS, " ")
        .str.strip_chars(" ")
    )


def with_normalized(frame: pl.LazyFrame, column: str, out: str = "norm") -> pl.LazyFrame:
    """`frame` with `out` = the normalised form of `column` (null counts as empty), rows in order."""
    text = pl.col(column).fill_null("")
    indexed = frame.with_columns(pl.int_range(0, pl.len(), dtype=pl.Int64).alias(_ROW))
    non_ascii = text.str.len_bytes() != text.str.len_chars()  # 30x cheaper than a regex test
    ascii_rows = indexed.filter(~non_ascii).with_columns(_words_only(text).alias(out))
    other_rows = indexed.filter(non_ascii).with_columns(_words_only(_folded(text)).alias(out))
    return pl.concat([ascii_rows, other_rows]).sort(_ROW).drop(_ROW)


def normalize_text(text: str) -> str:
    """The normalised form of one string (tests, messages): the same code path as for a column."""
    frame = pl.LazyFrame({"text": [text]}, schema={"text": pl.String})
    return str(with_normalized(frame, "text").collect().item(0, "norm"))


def words(text: pl.Expr) -> pl.Expr:
    """The word list of an already normalised column (empty list for an empty string)."""
    return pl.when(text == "").then(pl.lit([], dtype=pl.List(pl.String))).otherwise(text.str.split(" "))
