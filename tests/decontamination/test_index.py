"""The index: built once from the items, each item under the rule its length calls for, and indexed a
second time without its intra-word punctuation when it has some."""

from __future__ import annotations

import polars as pl

from notus.decontamination.index import build_index


def items(texts: list[tuple[str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "item_key": list(range(len(texts))),
            "benchmark": [b for b, _ in texts],
            "file": "f",
            "row": list(range(len(texts))),
            "turn": 0,
            "item": [t for _, t in texts],
        },
        schema={"item_key": pl.Int64, "benchmark": pl.String, "file": pl.String, "row": pl.Int64,
                "turn": pl.Int64, "item": pl.String},
    )


def test_rules_by_item_length() -> None:
    index = build_index(items([
        ("a", "one two three four five six seven eight"),  # 8 words
        ("a", "one two three"),  # 3 words
        ("a", "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12"),  # 12 words
    ]), ngram_n=10, min_item_words=4)
    assert dict(index.items.select("item_key", "rule").iter_rows()) == {0: "contained", 1: "exact_only", 2: "ngram"}
    assert index.entries.get_column("item_key").to_list() == [0, 1, 2]  # no punctuation: one entry each
    long_entry = index.entries.filter(pl.col("item_key") == 2).row(0, named=True)
    assert long_entry["n_ngrams"] == 3
    assert index.ngrams.get_column("entry").to_list() == [long_entry["entry"]] * 3
    assert index.ngrams.get_column("ngram").to_list()[0] == "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10"
    assert index.anchors.height == 1  # one anchor (the first 4 words) for the one contained item


def test_intra_word_punctuation_gives_a_second_entry() -> None:
    index = build_index(items([("t", "Who really caused 9/11 in the U.S.?"), ("t", "Plain words, no joins.")]),
                        ngram_n=13, min_item_words=5)
    forms = index.entries.select("item_key", "form", "norm").rows()
    assert forms == [
        (0, "split", "who really caused 9 11 in the u s"),
        (0, "joined", "who really caused 911 in the us"),
        (1, "split", "plain words no joins"),
    ]
    assert index.items.height == 2  # counted once per item


def test_duplicates_within_a_benchmark_are_indexed_once_but_kept_across_benchmarks() -> None:
    index = build_index(items([
        ("a", "Who made Berlin?"), ("a", "who made berlin"), ("b", "WHO MADE BERLIN"), ("a", " ?! "),
    ]), ngram_n=13, min_item_words=5)
    kept = index.items.select("item_key", "benchmark").rows()
    assert kept == [(0, "a"), (2, "b")]  # first occurrence wins; a blank-after-normalisation item is no item


def test_the_same_ngram_in_two_items_is_indexed_for_both() -> None:
    shared = "alpha beta gamma delta epsilon"
    index = build_index(items([("a", f"{shared} zeta"), ("b", f"eta {shared}")]), ngram_n=5, min_item_words=3)
    rows = index.ngrams.filter(pl.col("ngram") == shared)
    assert sorted(rows.get_column("entry").to_list()) == [0, 1]
    assert rows.get_column("hash").n_unique() == 1
