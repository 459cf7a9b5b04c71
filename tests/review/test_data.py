"""The review app's queries on a real build: queue membership, each filter, sort, paging, next/previous,
bulk selection, text search, chosen_differs, and the record view's contents."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from notus.cli.main import main
from notus.core.runner import run
from notus.core.version import Version
from notus.review.data import ReviewData
from notus.review.filters import Filters, RequestError
from tests.review.conftest import BAND, IMG_RESPONSE, SCRIPT_PROMPT
from tests.support.paths import REPO


@pytest.fixture
def data(built: tuple[Version, Version]) -> Iterator[ReviewData]:
    found = ReviewData(*built)
    yield found
    found.close()


def members(data: ReviewData, **filters: object) -> list[tuple[int, int | None]]:
    return [(r["record_id"], r["completion_index"]) for r in data.page(Filters(**filters))]  # type: ignore[arg-type]


def test_queues_are_the_shared_definitions(data: ReviewData) -> None:
    assert data.queues == ("review_needed", "mismatches", "mismatches:negative_critique", "mismatches:score_defect",
                           "chosen_differs", "everything")
    assert set(members(data, queue="review_needed")) == BAND
    assert members(data, queue="mismatches") == [(2, 0), (3, 0)]
    assert members(data, queue="mismatches:score_defect") == [(2, 0)]
    assert len(members(data, queue="everything")) == 12
    assert data.progress()["review_needed"] == (0, 4)


def test_chosen_differs_compares_with_the_other_pipeline(data: ReviewData, built: tuple[Version, Version]) -> None:
    notus, zephyr = (v.scan("preferences").collect() for v in built)
    ours = dict(zip(notus["record_id"], notus["chosen_index"], strict=True))
    theirs = dict(zip(zephyr["record_id"], zephyr["chosen_index"], strict=True))
    differ = sorted(r for r in ours if r in theirs and ours[r] != theirs[r])
    assert differ and [r for r, _ in members(data, queue="chosen_differs")] == differ


def test_each_filter(data: ReviewData) -> None:
    assert members(data, queue="everything", source="flan") == [(0, None), (6, None)]
    assert members(data, queue="review_needed", model="bard") == [(1, 0)]
    assert members(data, queue="everything", reason="score_defect") == [(2, None)]
    assert members(data, queue="review_needed", score_min=10, mean_max=3.0) == [(0, 1), (1, 0), (3, 0)]
    assert members(data, queue="review_needed", mean_min=3.5) == [(4, 0)]
    # a record is scored by its chosen completion: in records 2 and 3 the top-rated one scores 6
    assert members(data, queue="everything", score_max=7) == [(2, None), (3, None)]


def test_text_search_covers_prompt_response_and_critique_case_blind(data: ReviewData) -> None:
    assert members(data, queue="everything", q="XSS STAND") == [(3, None)]  # the prompt
    assert members(data, queue="everything", q="a guess") == [(1, None)]  # a response
    assert members(data, queue="everything", q="misleading") == [(2, None), (3, None)]  # critiques
    assert members(data, queue="everything", q="100%_") == []  # no LIKE wildcards


def test_sort_and_paging(data: ReviewData) -> None:
    f = Filters(queue="everything", sort="margin", desc=True)
    margins = [r["margin"] for r in data.page(f)]
    present = [m for m in margins if m is not None]
    assert present == sorted(present, reverse=True) and margins[len(present):] == [None] * (12 - len(present))
    assert [r["record_id"] for r in data.page(Filters(queue="everything"), offset=5, limit=3)] == [5, 6, 7]
    by_mean = [r["mean"] for r in data.page(Filters(queue="review_needed", sort="mean"))]
    assert by_mean == sorted(by_mean)


def test_status_follows_the_live_verdicts(data: ReviewData, built: tuple[Version, Version]) -> None:
    pid = {r["record_id"]: r["prompt_id"] for r in data.page(Filters(queue="everything"))}
    data.set_live([(pid[0], 1), (pid[1], None)])  # a completion verdict, and a record verdict
    try:
        assert members(data, queue="review_needed") == [(3, 0), (4, 0)]
        assert members(data, queue="review_needed", status="reviewed") == [(0, 1), (1, 0)]
        assert data.count(Filters(queue="review_needed", status="all")) == (4, 2)
        assert data.progress()["review_needed"] == (2, 4)
    finally:
        data.set_live([])


def test_next_and_previous_wrap_and_skip_the_reviewed(data: ReviewData) -> None:
    f = Filters(queue="review_needed")
    assert data.step(f, None, None) is not None and data.step(f, None, None).record_id == 0  # type: ignore[union-attr]
    after = data.step(f, 1, 0)
    assert (after.record_id, after.completion_index) == (3, 0)  # type: ignore[union-attr]
    wrapped = data.step(f, 4, 0)
    assert (wrapped.record_id, wrapped.completion_index) == (0, 1)  # type: ignore[union-attr]
    before = data.step(f, 3, 0, backwards=True)
    assert (before.record_id, before.completion_index) == (1, 0)  # type: ignore[union-attr]
    assert data.step(Filters(queue="everything", source="nowhere"), None, None) is None


def test_bulk_selection_is_the_whole_filter_with_response_hashes(data: ReviewData) -> None:
    found = data.members(Filters(queue="review_needed"))
    assert len(found) == data.count(Filters(queue="review_needed"))[0] == 4
    assert all(m.response_sha256 and len(m.response_sha256) == 64 for m in found)
    assert data.members(Filters(queue="everything", source="flan"))[0].response_sha256 is None


def test_record_view_has_texts_ratings_flags_pairs_and_evidence(data: ReviewData) -> None:
    record = data.record(3)
    assert record is not None and record["prompt"] == SCRIPT_PROMPT
    first = record["completions"][0]
    assert first["response"] == IMG_RESPONSE and first["review_needed"] and first["helpfulness"] == 3
    assert [f["reason"] for f in first["flags"]] == ["negative_critique"]
    assert "incorrect" in first["flags"][0]["evidence"]
    assert record["other_pair"] is not None and set(record["pair"]) >= {"chosen_index", "rejected_index", "margin"}
    assert data.record(999) is None


def test_bad_filters_are_refused_with_one_line() -> None:
    queues = ("review_needed", "everything")
    with pytest.raises(RequestError, match="score_min: expected a number"):
        Filters.parse({"queue": "everything", "score_min": "lots"}, queues)
    with pytest.raises(RequestError, match="unknown queue"):
        Filters.parse({"queue": "x'; DROP TABLE items; --"}, queues)
    with pytest.raises(RequestError, match="sort: expected"):
        Filters.parse({"queue": "everything", "sort": "record_id; --"}, queues)
    assert Filters.parse({"queue": "everything", "desc": "1", "q": "x"}, queues).query_string() == \
        "queue=everything&q=x&desc=1"


@pytest.mark.parametrize(("shape", "schema", "pipeline"), [("rated", "helpsteer2", "helpsteer2"),
                                                          ("ranked", "nectar", "nectar")])
def test_other_shapes_open_with_their_own_ratings(tmp_path: Path, shape: str, schema: str, pipeline: str) -> None:
    assert main(["sample", "--shape", shape, "--prompts", "20", "--seed", "3", "--out", str(tmp_path / "s")]) == 0
    (tmp_path / "v").mkdir()
    built = run(REPO / "pipelines" / f"{pipeline}.yaml", build_dir=tmp_path / "build",
                sources={"input": str(tmp_path / "s" / schema), "verdicts": str(tmp_path / "v")},
                catalog=tmp_path / "c.duckdb")
    data = ReviewData(Version.open(built.version_dir))
    try:
        first = data.page(Filters(queue="everything"))[0]
        record = data.record(first["record_id"])
        assert record is not None and record["completions"]
        shown = record["completions"][0]
        if shape == "rated":  # HelpSteer2's own five aspects, not UltraFeedback's four
            assert {"correctness", "verbosity"} <= {a for a, _ in shown["ratings"]}
        else:  # Nectar ranks its answers
            assert shown["rank"] is not None
    finally:
        data.close()
