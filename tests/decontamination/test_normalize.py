"""Normalisation: the variants a copied benchmark question arrives in all normalise to the same words,
and the column path (ASCII rows skip Unicode decomposition) agrees with the one-string path."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notus.decontamination.normalize import normalize_text, with_normalized, words

QUESTION = "what happens to you if you eat watermelon seeds"


@pytest.mark.parametrize(
    "variant",
    [
        "What happens to you if you eat watermelon seeds?",
        "WHAT HAPPENS TO YOU IF YOU EAT WATERMELON SEEDS",
        "  what   happens to\tyou if you\neat watermelon seeds  ",
        "What happens to you, if you eat watermelon-seeds?!",
        "What happens to you if you eat watermelon seeds…",
        "“What happens to you if you eat watermelon seeds?”",
        "Ｗｈａｔ ｈａｐｐｅｎｓ ｔｏ ｙｏｕ ｉｆ ｙｏｕ ｅａｔ ｗａｔｅｒｍｅｌｏｎ ｓｅｅｄｓ？",  # full-width forms
        "What happens to you if you eat watermelon seeds\u00a0?",  # no-break space
    ],
)
def test_variants_of_a_question_normalise_alike(variant: str) -> None:
    assert normalize_text(variant) == QUESTION


def test_apostrophes_are_deleted_so_contractions_agree() -> None:
    assert normalize_text("Don't") == normalize_text("Don’t") == normalize_text("dont") == "dont"
    assert normalize_text("Walt Disney's body") == "walt disneys body"


def test_composed_and_decomposed_accents_agree_and_are_folded() -> None:
    composed, decomposed = "caf\u00e9 \u00e9cole", "cafe\u0301 e\u0301cole"
    assert normalize_text(composed) == normalize_text(decomposed) == "cafe ecole"


def test_ligatures_and_compatibility_digits_fold() -> None:
    assert normalize_text("ﬁne ① x²") == "fine 1 x2"


def test_non_latin_scripts_keep_their_letters() -> None:
    assert normalize_text("Привет, МИР!") == "привет мир"
    assert normalize_text("中文，测试") == "中文 测试"


def test_punctuation_only_and_empty_become_empty() -> None:
    assert normalize_text("") == ""
    assert normalize_text(" ?! … -- ") == ""


def test_column_path_keeps_row_order_and_nulls_become_empty() -> None:
    texts = ["Ünïcödé first", None, "plain ASCII second", "third — with a dash", ""]
    out = with_normalized(pl.LazyFrame({"t": texts}), "t").collect()
    assert out.get_column("t").to_list() == texts
    assert out.get_column("norm").to_list() == [
        "unicode first", "", "plain ascii second", "third with a dash", ""
    ]


def test_words_of_empty_text_is_an_empty_list() -> None:
    out = pl.select(w=words(pl.Series(["", "a b"]))).get_column("w").to_list()
    assert out == [[], ["a", "b"]]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=8))
def test_column_equals_one_string_path_and_is_idempotent(texts: list[str]) -> None:
    column = with_normalized(pl.LazyFrame({"t": texts}, schema={"t": pl.String}), "t").collect()
    normalised = column.get_column("norm").to_list()
    assert normalised == [normalize_text(t) for t in texts]
    assert [normalize_text(n) for n in normalised] == normalised
    assert all("  " not in n and n == n.strip() for n in normalised)
