"""The four binarization strategies of sql/binarized.sql on cases computed by hand, and the seeded draw:
same seed -> same rows whatever the row order or thread count; the draw depends on (seed, prompt_id)."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from notus.core.errors import UsageError
from notus.core.version import Version
from tests.ultrafeedback.curation_harness import Completion, Record, prompt_id, run_curation, table, uniform

# record_id: the case (means are of the four aspect ratings; scores are critique overall_scores)
CASES = [
    Record("spread", [uniform(8, 5), uniform(7, 3), uniform(9, 2), uniform(6, 4)]),  # 0: means 5 3 2 4
    Record("top tie", [uniform(7, 4), uniform(9, 4), uniform(5, 3), uniform(5, 2)]),  # 1: means 4 4 3 2
    Record("all equal", [uniform(7, 3), uniform(7, 3), uniform(7, 3)]),  # 2
    Record("N/A everywhere", [uniform(7, None), uniform(8, None)]),  # 3
    Record("one completion", [uniform(7, 5)]),  # 4
    Record("no completion", []),  # 5
    Record("partial N/A", [Completion(8, [5, None, 5, None]), uniform(7, 3), Completion(6, [None, 4, None, 2])]),
    Record("score missing", [uniform(None, 5), uniform(8, 3), uniform(6, 2)]),  # 7
    Record("bottom tie", [uniform(9, 5), uniform(8, 2), uniform(7, 2), uniform(6, 4)]),  # 8
    Record("small margin", [Completion(9, [5, 4, 4, 4]), uniform(8, 4), uniform(7, 3)]),  # 9: 4.25 4 3
]


def draw(seed: int, prompt: str, candidates: list[int]) -> int:
    """The documented rule: candidates by completion_index, pick int(sha256 prefix) mod count."""
    digest = hashlib.sha256(f"{seed}:{prompt_id(prompt)}".encode()).hexdigest()
    return sorted(candidates)[int(digest[:15], 16) % len(candidates)]


def outcomes(prefs: pl.DataFrame, dropped: pl.DataFrame) -> dict[int, object]:
    """record_id -> sorted list of (chosen, rejected) pairs, or the drop reason."""
    pairs: dict[int, list[tuple[int, int]]] = {}
    for rid, chosen, rejected in prefs.sort("record_id", "chosen_index", "rejected_index").select(
        "record_id", "chosen_index", "rejected_index"
    ).iter_rows():
        pairs.setdefault(rid, []).append((chosen, rejected))
    reasons = dict(dropped.select("record_id", "reason").iter_rows())
    return {**pairs, **reasons}


def run(tmp_path: Path, records: list[Record], name: str, **sets: object) -> dict[int, object]:
    version = run_curation(tmp_path, records, name=name, sets=sets)
    return outcomes(table(version, "preferences"), table(version, "dropped"))


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("binarize")


def test_mean_rating_notus(work: Path) -> None:
    got = run(work, CASES, "mean", strategy="mean_rating", seed=42)
    assert got == {
        0: [(0, draw(42, "spread", [1, 2, 3]))],
        1: [(0, draw(42, "top tie", [2, 3]))],  # top tie -> lowest index; the other 4.0 is not lower
        2: "tie",
        3: "too_few_completions",
        4: "too_few_completions",
        5: "too_few_completions",
        6: [(0, draw(42, "partial N/A", [1, 2]))],  # N/A skipped: means 5, 3, 3
        7: [(0, draw(42, "score missing", [1, 2]))],  # a missing critique score does not matter here
        8: [(0, draw(42, "bottom tie", [1, 2, 3]))],
        9: [(0, draw(42, "small margin", [1, 2]))],
    }


def test_mean_rating_tie_breaker_overall_score(work: Path) -> None:
    got = run(work, CASES[:2], "tiebreak", strategy="mean_rating", tie_breaker="overall_score")
    assert got[1] == [(1, draw(42, "top tie", [2, 3]))]  # the 4.0 with critique score 9 wins the tie
    assert got[0] == [(0, draw(42, "spread", [1, 2, 3]))]  # no tie: unchanged


def test_overall_score_zephyr(work: Path) -> None:
    got = run(work, CASES, "zephyr", strategy="overall_score")
    assert got == {
        0: [(2, draw(42, "spread", [0, 1, 3]))],  # first maximum of 8 7 9 6
        1: [(1, draw(42, "top tie", [0, 2, 3]))],
        2: [(0, draw(42, "all equal", [1, 2]))],  # ties with the chosen one are kept
        3: [(1, 0)],  # ratings do not matter
        4: "too_few_completions",
        5: "too_few_completions",
        6: [(0, draw(42, "partial N/A", [1, 2]))],
        7: [(1, 2)],  # the completion without a score takes no part
        8: [(0, draw(42, "bottom tie", [1, 2, 3]))],
        9: [(0, draw(42, "small margin", [1, 2]))],
    }


def test_worst(work: Path) -> None:
    got = run(work, CASES, "worst", strategy="worst")
    assert got[0] == [(0, 2)]
    assert got[1] == [(0, 3)]
    assert got[8] == [(0, 1)]  # bottom tie -> lowest index
    assert got[6] == [(0, 1)]
    assert (got[2], got[3], got[4], got[5]) == ("tie", "too_few_completions", "too_few_completions",
                                                "too_few_completions")


def test_all_pairs(work: Path) -> None:
    got = run(work, CASES, "pairs", strategy="all_pairs")
    assert got[0] == [(0, 1), (0, 2), (0, 3), (1, 2), (3, 1), (3, 2)]  # means 5 3 2 4
    assert got[1] == [(0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]  # 4 4 3 2: the equal pair is not a pair
    assert got[6] == [(0, 1), (0, 2)]
    assert got[2] == "tie"
    assert got[4] == "too_few_completions"


def test_min_margin(work: Path) -> None:
    small = run(work, CASES[9:], "margin_half", min_margin=0.5)
    assert small[0] == [(0, 2)]  # 4.25 - 4.0 < 0.5: only the 3.0 is eligible
    none = run(work, CASES[9:], "margin_two", min_margin=2)
    assert none[0] == "below_margin"
    pairs = run(work, CASES[:1], "margin_pairs", strategy="all_pairs", min_margin=2)
    assert pairs[0] == [(0, 1), (0, 2), (3, 2)]  # means 5 3 2 4: the pairs at least two points apart


def test_drop_details_say_why(tmp_path: Path) -> None:
    version = run_curation(tmp_path, CASES, sets={"min_margin": 2})
    detail = dict(table(version, "dropped").select("record_id", "detail").iter_rows())
    assert detail[2] == "all 3 rated completions share the top mean 3"
    assert detail[3] == "0 of 2 completion(s) have a rating"
    assert detail[5] == "0 of 0 completion(s) have a rating"
    assert detail[9] == "largest margin 1.25 < min_margin 2"


MANY = [
    Record(f"prompt {i}", [uniform(8, 5), uniform(7, 4), uniform(6, 3), uniform(5, 2)]) for i in range(240)
]


def pairs_by_prompt(version: Version) -> dict[str, tuple[int, int]]:
    prefs = table(version, "preferences")
    return {r[0]: (r[1], r[2]) for r in prefs.select("prompt", "chosen_index", "rejected_index").iter_rows()}


def test_draw_is_uniform_and_seeded(work: Path) -> None:
    first = pairs_by_prompt(run_curation(work, MANY, name="many42", sets={"seed": 42}))
    counts = Counter(rejected for _, rejected in first.values())
    assert set(counts) == {1, 2, 3} and min(counts.values()) >= 60  # 80 each expected
    assert all(first[r.prompt][1] == draw(42, r.prompt, [1, 2, 3]) for r in MANY)
    other = pairs_by_prompt(run_curation(work, MANY, name="many7", sets={"seed": 7}))
    assert sum(first[p] != other[p] for p in first) > 100  # about 2/3 change with the seed


def test_row_order_does_not_change_the_draw(work: Path) -> None:
    forward = pairs_by_prompt(run_curation(work, MANY, name="forward"))
    backward = pairs_by_prompt(run_curation(work, MANY[::-1], name="backward"))
    assert forward == backward


def test_same_input_and_seed_give_identical_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two independent builds (one on a single DuckDB thread) produce the same tables row for row."""
    a = run_curation(tmp_path / "a", MANY + CASES)
    monkeypatch.setenv("NOTUS_THREADS", "1")
    b = run_curation(tmp_path / "b", MANY + CASES)
    for name in ("preferences", "dropped", "completions", "mismatches"):
        assert table(a, name).equals(table(b, name)), name


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        ({"strategy": "best_of"}, "--set strategy: expected one of mean_rating, overall_score, worst, all_pairs, "
                                  "got 'best_of'"),
        ({"tie_breaker": "random"}, "--set tie_breaker: expected one of index, overall_score, got 'random'"),
        ({"min_margin": -1}, "--set min_margin: expected a number >= 0, got -1"),
    ],
)
def test_bad_params_are_usage_errors_before_the_run(tmp_path: Path, sets: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        run_curation(tmp_path, CASES[:2], sets=sets)
