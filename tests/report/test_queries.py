"""The report's figures against independent Polars computations over the same published tables."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest

from notus.core.version import Version
from notus.report.queries import SQL_DIR, ReportDB


@pytest.fixture
def db(cleaned_version: Path, zephyr_version: Path) -> Iterator[ReportDB]:
    report_db = ReportDB.open(Version.open(cleaned_version), Version.open(zephyr_version))
    yield report_db
    report_db.close()


def frame(db: ReportDB, name: str, **params: object) -> pl.DataFrame:
    result = db.run(name, **params)
    assert result.frame is not None, result.missing
    return result.frame


def test_every_report_query_parses_and_runs_on_a_full_comparison(db: ReportDB) -> None:
    params = {"bin_width": 0.25, "rating_bin": 0.25, "score_bin": 0.5, "per_group": 3}
    names = sorted(p.stem for p in SQL_DIR.glob("*.sql"))
    assert len(names) >= 15
    for name in names:
        assert db.run(name, **params).frame is not None, name


def test_drop_reasons_match_polars(db: ReportDB, cleaned_version: Path) -> None:
    v = Version.open(cleaned_version)
    dropped = v.scan("dropped").collect()
    inputs = pl.concat([v.scan("preferences").select("record_id").collect(), dropped.select("record_id")]).n_unique()
    expected = dropped.group_by("reason").len("records").with_columns(input_share=pl.col("records") / inputs)
    got = frame(db, "drop_reasons").select("reason", "records", "input_share")
    assert got.sort("reason").to_dicts() == expected.sort("reason").select(got.columns).to_dicts()
    assert set(got["reason"]) == {"contaminated", "tie", "too_few_completions"}


def test_rating_margin_histogram_matches_polars(db: ReportDB, cleaned_version: Path) -> None:
    prefs = Version.open(cleaned_version).scan("preferences").collect()
    margin = (prefs["chosen_rating"] - prefs["rejected_rating"]).to_list()
    expected: dict[float, int] = {}
    for m in margin:  # ties alone in bin 0, any other margin at the nearest non-zero multiple of 0.25
        b = 0.0 if m == 0 else math.copysign(max(math.floor(abs(m) * 4 + 0.5), 1) / 4, m)
        expected[b] = expected.get(b, 0) + 1
    got = frame(db, "margin_histogram", rating_bin=0.25, score_bin=0.5).filter(pl.col("measure") == "rating")
    assert dict(zip(got["bin"], got["pairs"], strict=True)) == expected
    # the mean-rating rule never keeps a pair whose rejected completion is rated as high as the chosen one
    assert min(got["bin"]) > 0


def test_mismatch_counts_match_polars(db: ReportDB, cleaned_version: Path) -> None:
    v = Version.open(cleaned_version)
    completions = v.scan("completions")
    expected = (v.scan("mismatches").join(completions, on=["record_id", "completion_index"])
                .group_by("source", "reason").len("flagged").collect())
    got = frame(db, "mismatch_counts")
    assert got.select("source", "reason", "flagged").sort("source", "reason").to_dicts() == \
        expected.sort("source", "reason").select("source", "reason", "flagged").to_dicts()
    per_source = completions.group_by("source").len("n").collect()
    check = got.join(per_source, on="source")
    assert (check["completion_share"] - check["flagged"] / check["n"]).abs().max() < 1e-12


def test_full_ties_by_rating_match_polars(db: ReportDB, completions: pl.DataFrame) -> None:
    per_record = (completions.group_by("record_id")
                  .agg(n=pl.len(), rated=pl.col("mean_rating").count(),
                       distinct=pl.col("mean_rating").drop_nulls().n_unique())
                  .filter(pl.col("n") >= 2, pl.col("rated") >= 2))
    expected = (per_record["distinct"] == 1).mean()
    got = frame(db, "ties").filter(pl.col("source") == "all")
    assert got["full_tie_rating_share"][0] == pytest.approx(expected)


def test_rating_summary_matches_polars(db: ReportDB, completions: pl.DataFrame) -> None:
    expected = completions.group_by("source").agg(
        n=pl.len(), median=pl.col("mean_rating").median(), mean=pl.col("mean_rating").mean()).sort("source")
    got = frame(db, "rating_summary")
    assert got["completions"].to_list() == expected["n"].to_list()
    assert got["median"].to_list() == pytest.approx(expected["median"].to_list())
    assert got["mean"].to_list() == pytest.approx(expected["mean"].to_list())


def test_contamination_counts_match_polars(db: ReportDB, cleaned_version: Path) -> None:
    hits = Version.open(cleaned_version).scan("contamination").collect()
    expected = hits.group_by("benchmark", "method").agg(records=pl.col("record_id").n_unique())
    got = frame(db, "contamination_counts")
    per_method = got.filter(pl.col("method") != "any method").select("benchmark", "method", "records")
    assert per_method.sort("benchmark", "method").to_dicts() == expected.sort("benchmark", "method").to_dicts()
    anyway = hits.group_by("benchmark").agg(records=pl.col("record_id").n_unique())
    assert dict(got.filter(pl.col("method") == "any method").select("benchmark", "records").iter_rows()) == \
        dict(anyway.iter_rows())


def _chosen(path: Path) -> pl.DataFrame:
    return Version.open(path).scan("preferences").select("record_id", "source", "chosen_index").collect()


def test_comparison_share_and_confusion_match_polars(db: ReportDB, cleaned_version: Path,
                                                     zephyr_version: Path) -> None:
    both = _chosen(cleaned_version).join(_chosen(zephyr_version), on="record_id", suffix="_other")
    differs = (both["chosen_index"] != both["chosen_index_other"]).sum()
    overall = frame(db, "compare_overlap").filter(pl.col("source") == "all").row(0, named=True)
    assert overall["both_kept"] == both.height
    assert overall["chosen_differs"] == differs
    assert overall["differs_share"] == pytest.approx(differs / both.height)
    zephyr_only = _chosen(zephyr_version).join(_chosen(cleaned_version), on="record_id", how="anti").height
    assert overall["only_other"] == zephyr_only

    expected = both.group_by("chosen_index", "chosen_index_other").len("records")
    got = frame(db, "compare_confusion")
    assert sorted(got.iter_rows()) == sorted(expected.iter_rows())


def test_cross_rating_judges_both_rules_with_one_yardstick(db: ReportDB, cleaned_version: Path,
                                                           zephyr_version: Path,
                                                           completions: pl.DataFrame) -> None:
    both = _chosen(cleaned_version).join(_chosen(zephyr_version), on="record_id", suffix="_other")
    zephyr_chosen = both.join(completions, left_on=["record_id", "chosen_index_other"],
                              right_on=["record_id", "completion_index"])
    got = frame(db, "compare_cross")
    row: Callable[[str, str], dict] = lambda prompts, rule: got.filter(  # noqa: E731
        (pl.col("prompts") == prompts) & (pl.col("rule") == rule)).row(0, named=True)
    assert row("both kept", "other")["mean_rating"] == pytest.approx(zephyr_chosen["mean_rating"].mean())
    assert row("both kept", "other")["mean_score"] == pytest.approx(zephyr_chosen["overall_score"].mean())
    # each rule is at the top of its own measure by construction
    assert row("both kept", "this")["top_rating_share"] == 1.0
    assert row("both kept", "other")["top_score_share"] == 1.0
    assert row("chosen differs", "this")["records"] == (both["chosen_index"] != both["chosen_index_other"]).sum()


def test_a_query_over_a_table_the_version_lacks_is_skipped_not_failed(
        version_factory: Callable[..., Path], completions: pl.DataFrame) -> None:
    v = Version.open(version_factory("bare", {"completions": completions}))
    bare = ReportDB.open(v)
    try:
        result = bare.run("drop_reasons")
        assert result.frame is None and result.missing == ("dropped", "preferences")
        assert bare.run("rating_summary").frame is not None
        assert not bare.has_critiques and not bare.has_prompts
    finally:
        bare.close()


def test_optional_columns_are_padded_and_critiques_found_where_published(
        version_factory: Callable[..., Path], completions: pl.DataFrame) -> None:
    flagged = completions.filter(pl.col("overall_score") >= 9).select(
        "record_id", "prompt_id", "completion_index", "overall_score", "mean_rating",
        reason=pl.lit("score_defect"), critique=pl.lit("The answer is wrong | and misleading."))
    v = Version.open(version_factory("critiqued", {"completions": completions, "mismatches": flagged}))
    db = ReportDB.open(v)
    try:
        assert "evidence" in db.columns("mismatches")  # padded with NULLs
        assert db.has_critiques
        examples = db.run("mismatch_examples", per_group=2).frame
        assert examples is not None and examples.height > 0
        assert set(examples["critique"]) == {"The answer is wrong | and misleading."}
        assert examples.group_by("source").len()["len"].max() <= 2
    finally:
        db.close()


def test_turns_per_record_match_polars(db: ReportDB, cleaned_version: Path) -> None:
    prompts = Version.open(cleaned_version).scan("prompts").collect()
    users = prompts.select(pl.col("conversation").list.eval(pl.element().struct.field("role") == "user").list.sum())
    expected = users.to_series().value_counts().sort("conversation")
    found = frame(db, "turns")
    assert found.select("user_turns", "records").rows() == expected.rows()
    assert found["share"].sum() == pytest.approx(1.0)
    assert found.filter(pl.col("user_turns") == 3)["mean_messages"].item() == 5.0
