"""The matching rules on hand-made prompts: source, exact, n-gram coverage, short items found whole,
the threshold, the best-hit choice, and independence from row order."""

from __future__ import annotations

import polars as pl
import pytest

from notus.decontamination.index import BenchmarkIndex, build_index
from notus.decontamination.match import match_prompts

from .test_index import items

LONG = ("Explain to a ten year old how tidal locking keeps one face of the moon turned toward the earth "
        "using only kitchen objects as examples")  # 25 words: n-gram coverage at n = 13
SHORT = "Why do glass harbour seals migrate south?"  # 7 words: contained whole
TINY = "Who made Berlin?"  # 3 words: exact only


@pytest.fixture
def index() -> BenchmarkIndex:
    return build_index(
        items([("alpaca_eval", LONG), ("truthfulqa", SHORT), ("alpaca_eval", TINY)]),
        ngram_n=13, min_item_words=5,
    )


def run(prompts: list[str], index: BenchmarkIndex, threshold: float = 0.5,
        sources: list[str] | None = None) -> pl.DataFrame:
    frame = pl.LazyFrame({
        "record_id": list(range(len(prompts))),
        "prompt_id": [f"p{i}" for i in range(len(prompts))],
        "source": sources or ["sharegpt"] * len(prompts),
        "prompt": prompts,
    })
    return match_prompts(frame, index, threshold)


def hits(result: pl.DataFrame) -> set[tuple[int, str, str]]:
    return set(result.select("record_id", "benchmark", "method").iter_rows())


def test_source_rule_needs_no_text(index: BenchmarkIndex) -> None:
    result = run(["anything at all"], index, sources=["truthful_qa"])
    assert result.rows(named=True) == [{
        "record_id": 0, "prompt_id": "p0", "benchmark": "truthfulqa", "method": "source",
        "evidence": "source = truthful_qa", "score": 1.0, "item": None,
    }]


def test_exact_after_normalisation_for_every_length(index: BenchmarkIndex) -> None:
    result = run([LONG.upper() + "!", "  why do glass HARBOUR seals migrate south", "who made berlin"], index)
    exact = result.filter(pl.col("method") == "exact")
    assert exact.select("record_id", "benchmark", "evidence").rows() == [
        (0, "alpaca_eval", LONG), (1, "truthfulqa", SHORT), (2, "alpaca_eval", TINY)
    ]
    assert exact.get_column("score").to_list() == [1.0, 1.0, 1.0]


def test_long_item_embedded_in_a_longer_prompt(index: BenchmarkIndex) -> None:
    result = run([f"My kid asked me this today. {LONG}. Any ideas? Keep it short please."], index)
    assert hits(result) == {(0, "alpaca_eval", "ngram")}
    row = result.row(0, named=True)
    assert row["score"] == 1.0 and row["item"] == LONG
    assert row["evidence"] == "explain to a ten year old how tidal locking keeps one face of"


def test_partial_copy_is_scored_by_the_share_of_ngrams_found(index: BenchmarkIndex) -> None:
    first_half = " ".join(LONG.split()[:15])  # 3 of the item's 13 13-grams
    assert run([first_half + " and then something else entirely"], index, threshold=0.5).is_empty()
    loose = run([first_half + " and then something else entirely"], index, threshold=0.0)
    assert loose.get_column("score").to_list() == [pytest.approx(3 / 13)]


def test_short_item_found_whole_inside_a_prompt(index: BenchmarkIndex) -> None:
    result = run(["Quick trivia: WHY do glass harbour seals migrate south? Answer in one line."], index)
    assert result.select("benchmark", "method", "evidence", "score").rows() == [
        ("truthfulqa", "ngram", "why do glass harbour seals migrate south", 1.0)
    ]


def test_short_item_near_misses_do_not_match(index: BenchmarkIndex) -> None:
    near_misses = [
        "Why do glass harbour seals migrate north?",  # one word changed
        "Why do glass harbour seals never migrate south?",  # a word inserted
        "why do glass harbour seals",  # only the anchor
        "Where do the seals of the glass harbour migrate to in the south?",  # same words, other order
        "Why do glass harbour sealsmigrate south",  # word boundary
    ]
    assert run(near_misses, index).is_empty()


def test_tiny_items_match_only_exactly(index: BenchmarkIndex) -> None:
    assert run(["Tell me who made Berlin and when."], index).is_empty()


def test_one_row_per_record_benchmark_and_method(index: BenchmarkIndex) -> None:
    both = run([f"{SHORT} {LONG}"], index)
    assert hits(both) == {(0, "truthfulqa", "ngram"), (0, "alpaca_eval", "ngram")}
    exact_and_ngram = run([LONG], index)
    assert hits(exact_and_ngram) == {(0, "alpaca_eval", "exact"), (0, "alpaca_eval", "ngram")}


def test_best_item_wins_within_a_benchmark() -> None:
    index = build_index(
        items([("a", "the quick brown fox jumps over the lazy dog"), ("a", "quick brown fox jumps over")]),
        ngram_n=13, min_item_words=5,
    )
    result = run(["Say: the quick brown fox jumps over the lazy dog."], index)
    assert result.get_column("evidence").to_list() == ["the quick brown fox jumps over the lazy dog"]


def test_same_rows_whatever_the_row_order(index: BenchmarkIndex) -> None:
    prompts = [LONG, f"x {SHORT} y", "nothing here", TINY, f"a {LONG} b {SHORT}"] * 3
    forward = run(prompts, index)
    frame = pl.LazyFrame({"record_id": list(range(len(prompts))), "prompt_id": [f"p{i}" for i in
                          range(len(prompts))], "source": "x", "prompt": prompts})
    backward = match_prompts(frame.reverse(), index, 0.5)
    assert backward.equals(forward)


def test_empty_null_and_punctuation_prompts(index: BenchmarkIndex) -> None:
    assert run(["", "?!", "   "], index).is_empty()
    frame = pl.LazyFrame({"record_id": [1], "prompt_id": ["p"], "source": [None], "prompt": [None]},
                         schema={"record_id": pl.Int64, "prompt_id": pl.String, "source": pl.String,
                                 "prompt": pl.String})
    assert match_prompts(frame, index, 0.5).is_empty()


def test_no_benchmark_items_finds_only_the_source_rule() -> None:
    empty = build_index(items([]), ngram_n=13, min_item_words=5)
    result = run([LONG, "x"], empty, sources=["sharegpt", "truthful_qa"])
    assert hits(result) == {(1, "truthfulqa", "source")}


def test_intra_word_punctuation_kept_or_dropped_in_the_copy() -> None:
    index = build_index(items([("truthfulqa", "What U.S. state produces the most peaches?")]),
                        ngram_n=13, min_item_words=5)
    copies = ["what us state produces the most peaches", "What U S state produces the most peaches",
              "Trivia night! What US state produces the most peaches? No googling."]
    assert hits(run(copies, index)) == {
        (0, "truthfulqa", "exact"), (0, "truthfulqa", "ngram"), (1, "truthfulqa", "exact"),
        (1, "truthfulqa", "ngram"), (2, "truthfulqa", "ngram"),
    }


def test_every_user_turn_is_checked_and_a_record_keeps_its_best_hit(index: BenchmarkIndex) -> None:
    """A benchmark question in an EARLIER user turn of a multi-turn conversation is found (the prompt
    column holds only the last turn); assistant turns are not checked; hits of several turns of one
    record collapse to one row per benchmark and method, the best one."""
    def conv(*turns: tuple[str, str]) -> list[dict[str, str]]:
        return [{"role": r, "content": c} for r, c in turns]

    conversations = [
        conv(("user", LONG), ("assistant", "Sure."), ("user", "Thanks, and one more thing?")),
        conv(("user", "Hello there my friend"), ("assistant", LONG), ("user", "Please go on.")),
        conv(("user", LONG), ("assistant", "ok"), ("user", LONG)),
        conv(("user", "A question with nothing of the benchmark in it at all.")),
    ]
    frame = pl.LazyFrame({
        "record_id": [0, 1, 2, 3], "prompt_id": ["a", "b", "c", "d"], "source": ["sharegpt"] * 4,
        "prompt": [c[-1]["content"] for c in conversations], "conversation": conversations,
    })
    found = match_prompts(frame, index, 0.5)
    assert hits(found) == {(0, "alpaca_eval", "exact"), (0, "alpaca_eval", "ngram"),
                           (2, "alpaca_eval", "exact"), (2, "alpaca_eval", "ngram")}
    assert found.height == 4  # record 2 matched in two turns: one row per benchmark and method
