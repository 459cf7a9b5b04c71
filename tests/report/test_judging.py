"""The report's LLM-judge section, on a version built by the real pipeline from hand-made verdicts: the
judge's ratings against the critique scores and rating means, and its agreement with a person, by hand."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from notus.report.build import write_report
from tests.ultrafeedback.curation_harness import run_curation
from tests.verdicts.test_apply import RECORDS, v


def judged(record: int, index: int, score: float | None, author: str = "judge:gpt") -> object:
    rating = None if score is None else int(score)
    extra = {"judge": {"model": author[6:], "template_sha256": "a" * 64, "rating": rating,
                       "rationale": "because" if rating else None, "raw": f"Rating: {rating}" if rating else "??",
                       "request_key": "b" * 64}}
    if score is None:
        return v("judge_failed", record, index, author=author, **extra)
    return v("set_score", record, index, author=author, score=score, **extra)


def test_the_judge_section_against_critique_scores_rating_means_and_a_person(tmp_path: Path) -> None:
    verdicts = [
        judged(1, 0, 2),  # critique 10, mean 3: the defect band; a person agrees
        judged(0, 1, 8),  # critique 9, mean 3; a person says 4
        judged(4, 1, 5),  # critique 6, mean 3
        judged(0, 2, None),  # no usable answer
        v("set_score", 1, 0, author="human:anna", score=2),
        v("set_score", 0, 1, author="human:anna", score=4),
    ]
    version = run_curation(tmp_path, RECORDS, verdicts=verdicts)  # type: ignore[arg-type]
    out = tmp_path / "report"
    text = write_report(version.path, out=out).read_text()
    section = text[text.index("## LLM judge ratings"):]
    # 4 asked, 3 rated, 1 failed; judge mean (2+8+5)/3; critique mean (10+9+6)/3; low: 2; high: 8
    assert "| gpt | 4 | 3 | 1 | 5.00 | 8.33 | 3.00 | 33.3% | 33.3% |" in section
    assert "| gpt | 2.5 – 3 | 3 | 5.00 | 5.00 | 2 | 8 | 8.33 |" in section
    # pairs (person, judge): (2, 2), (4, 8): exact 1/2, within one 1/2, |diff| 2; kappa (0.5 - 0.25) / 0.75
    assert "| gpt | human:anna | 2 | 50.0% | 50.0% | 2.00 | 0.33 | 0.33 |" in section
    assert (out / "judge_ratings.png").stat().st_size > 10_000
    assert "judge_ratings.png" in section


def test_without_judges_the_section_says_how_to_ask_one(tmp_path: Path) -> None:
    version = run_curation(tmp_path, RECORDS, verdicts=[v("completion_ok", 0, 0)])
    out = tmp_path / "report"
    text = write_report(version.path, out=out).read_text()
    assert "No LLM judge has rated this version's completions" in text
    assert not (out / "judge_ratings.png").exists()


def test_a_version_without_a_verdicts_table(version_factory: Callable[..., Path],
                                            zephyr_tables: dict[str, pl.DataFrame], tmp_path: Path) -> None:
    text = write_report(version_factory("zephyr", zephyr_tables), out=tmp_path / "r").read_text()
    assert "publishes no `verdicts` (or `completions`) table, so there are no judge ratings" in text


def test_judge_queries_match_polars(cleaned_version: Path) -> None:
    from notus.core.version import Version
    from notus.report.queries import ReportDB

    version = Version.open(cleaned_version)
    verdicts, completions = version.scan("verdicts").collect(), version.scan("completions").collect()
    judge = verdicts.filter(pl.col("author") == "judge:gpt-test").join(
        completions.select("prompt_id", "completion_index", "overall_score", "mean_rating"),
        on=["prompt_id", "completion_index"])
    rated = judge.filter(pl.col("action") == "set_score")
    human = verdicts.filter(pl.col("author") == "human:anna")
    db = ReportDB.open(version)
    try:
        summary = db.run("judge_summary").frame
        pairs = db.run("judge_vs_human").frame
        hist = db.run("judge_score_histogram").frame
    finally:
        db.close()
    assert summary is not None and pairs is not None and hist is not None
    row = summary.row(0, named=True)
    assert (row["model"], row["completions"], row["rated"]) == ("gpt-test", judge.height, rated.height)
    assert row["failed"] == judge.height - rated.height > 0
    assert row["mean_judge_rating"] == pytest.approx(rated["score"].mean())
    assert row["mean_critique_score"] == pytest.approx(rated["overall_score"].mean())
    assert row["low_share"] == pytest.approx((rated["score"] <= 3).mean())
    assert pairs.height == human.height > 0
    expected = human.join(rated, on=["prompt_id", "completion_index"]).select(
        pl.col("score_right").alias("judge_score"), pl.col("score").alias("human_score")).sort(pl.all())
    assert pairs.select("judge_score", "human_score").sort(pl.all()).equals(expected)
    assert hist["judge"].sum() == hist["critique"].sum() == rated.height


def test_a_retracted_score_is_not_compared(tmp_path: Path) -> None:
    from notus.verdicts.format import retraction

    person = v("set_score", 1, 0, author="human:anna", score=2)
    undo = retraction(person.verdict_id, person.prompt_id, "human:anna", "0" * 16, "notus",  # type: ignore[attr-defined]
                      created_at="2026-12-02T11:59:00.000000Z")
    version = run_curation(tmp_path, RECORDS, verdicts=[judged(1, 0, 2), person, undo])  # type: ignore[list-item]
    text = write_report(version.path, out=tmp_path / "report").read_text()
    section = text[text.index("## LLM judge ratings"):]
    assert "| gpt | 1 | 1 | 0 | 2.00 |" in section
    assert "No person has scored (`set_score`) a completion a judge rated" in section
