"""`notus report` end to end on version folders: files written, sections present or explained, refusals."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from notus.core.errors import DataError, UsageError
from notus.core.runner import run_pipeline
from notus.core.version import Version
from notus.report.build import FIGURE_FILES, write_report
from notus.sample.generate import write_sample
from tests.support.paths import REPO


@pytest.fixture(scope="module")
def comparison(cleaned_version: Path, zephyr_version: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    return write_report(cleaned_version, compare_with=zephyr_version, out=out)


def test_comparison_report_has_every_section_and_every_picture(comparison: Path) -> None:
    text = comparison.read_text()
    for heading in ("## The version", "## Dropped records", "## Conversations", "## Rating means per source",
                    "## Chosen-minus-rejected margins", "## Ties", "## Score/rationale mismatches",
                    "### Examples: `score_defect`", "### Examples: `negative_critique`",
                    "## Benchmark contamination", "### Contamination examples",
                    "## Comparison: notus-cleaned against zephyr", "### Chosen-index confusion table"):
        assert heading in text, heading
    linked = set(re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text))
    written = {p.name for p in comparison.parent.glob("*.png")}
    assert linked == written == set(FIGURE_FILES)
    for png in written:
        assert (comparison.parent / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "This version publishes no critique text" in text  # the contract's mismatches carry none
    assert "| truthful_qa | source |" in text


def test_header_numbers_come_from_the_tables(comparison: Path, cleaned_version: Path) -> None:
    prefs = pl.read_parquet(cleaned_version / "preferences.parquet")
    dropped = pl.read_parquet(cleaned_version / "dropped.parquet")
    text = comparison.read_text()
    assert f"Of **{prefs.height + dropped.height:,}** input records, **{prefs.height:,}**" in text
    assert f"**{dropped.height:,}** were dropped" in text


@pytest.mark.slow
def test_report_is_deterministic_and_rewrites_only_its_own_files(
        comparison: Path, cleaned_version: Path, zephyr_version: Path, tmp_path: Path) -> None:
    out = tmp_path / "again"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "contamination.png").write_text("stale")
    write_report(cleaned_version, compare_with=zephyr_version, out=out)
    digest: Callable[[Path], dict[str, str]] = lambda d: {  # noqa: E731
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in d.iterdir() if p.name != "notes.txt"}
    assert digest(out) == digest(comparison.parent)
    assert (out / "notes.txt").read_text() == "mine"


def test_refuses_to_write_inside_a_version(notus_version: Path) -> None:
    with pytest.raises(UsageError, match="versions are immutable"):
        write_report(notus_version, out=notus_version / "report")


def test_refuses_to_compare_versions_of_different_inputs(
        notus_version: Path, version_factory: Callable[..., Path], zephyr_tables: dict[str, pl.DataFrame],
        tmp_path: Path) -> None:
    other = version_factory("zephyr", zephyr_tables, input_fingerprint="0" * 64)
    with pytest.raises(UsageError, match="different inputs"):
        write_report(notus_version, compare_with=other, out=tmp_path / "out")


def test_a_tampered_version_is_refused(notus_version: Path, tmp_path: Path) -> None:
    copy = tmp_path / "v"
    shutil.copytree(notus_version, copy)
    pl.read_parquet(copy / "dropped.parquet").head(1).write_parquet(copy / "dropped.parquet")
    with pytest.raises(DataError, match="does not match its manifest hash"):
        write_report(copy, out=tmp_path / "out")


def test_mismatch_examples_show_the_critique_when_the_version_publishes_it(
        version_factory: Callable[..., Path], completions: pl.DataFrame, tmp_path: Path) -> None:
    critique = "Your answer is not helpful and contains fabricated information. " * 8
    defects = completions.filter(pl.col("overall_score") >= 9, pl.col("mean_rating") <= 2)
    flagged = defects.select(
        "record_id", "prompt_id", "completion_index", "overall_score", "mean_rating",
        reason=pl.lit("score_defect"), critique=pl.lit(critique))
    vdir = version_factory("notus", {"completions": completions, "mismatches": flagged})
    text = write_report(vdir, out=tmp_path / "out", examples=1).read_text()
    examples = text[text.index("### Examples: `score_defect`"):]
    assert "publishes no critique text" not in examples
    assert "| Your answer is not helpful and contains fabricated information. Your answer" in examples
    assert " … |" in examples  # an excerpt, not the whole critique
    assert examples.count("| score_defect") == 0 and examples.count("\n| ") - 1 == defects["source"].n_unique()
    assert "does not publish `dropped`, `preferences`" in text


@pytest.mark.slow
def test_report_on_notus_cleaned_against_zephyr_built_by_the_pipelines(tmp_path: Path) -> None:
    sample = write_sample(tmp_path / "sample", prompts=400, seed=3, jobs=1)
    inputs = {"input": str(sample.out / "ultrafeedback")}
    cleaned = run_pipeline(REPO / "pipelines" / "notus-cleaned.yaml", build_dir=tmp_path / "build",
                           sources={**inputs, "benchmarks": str(sample.out / "benchmarks")})
    zephyr = run_pipeline(REPO / "pipelines" / "zephyr.yaml", build_dir=tmp_path / "build", sources=inputs)

    report = write_report(cleaned, compare_with=zephyr, out=tmp_path / "report")
    text = report.read_text()
    for heading in ("## Dropped records", "## Score/rationale mismatches", "### Contamination examples",
                    "### Chosen-index confusion table", "### How each rule's choices rate on the other's measure"):
        assert heading in text, heading
    assert "| contaminated |" in text

    def chosen(path: Path) -> pl.DataFrame:
        return Version.open(path).scan("preferences").select("record_id", "chosen_index").collect()

    both = chosen(cleaned).join(chosen(zephyr), on="record_id", suffix="_z")
    differs = int((both["chosen_index"] != both["chosen_index_z"]).sum())
    assert f"Of the **{both.height:,}** prompts both versions keep, the chosen completion differs for " \
           f"**{differs:,} ({differs / both.height:.1%})**" in text
    assert not list(Path(cleaned).glob("*.png"))  # nothing written into the version
