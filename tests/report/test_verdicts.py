"""The report's verdicts section: counts per author, action and status, and Cohen's kappa where two
reviewers judged the same keys — on a version built by the real pipeline from hand-made verdicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from notus.report.agreement import cohen_kappa
from notus.report.build import write_report
from tests.ultrafeedback.curation_harness import run_curation
from tests.verdicts.test_apply import RECORDS, pair, v


def test_kappa_by_hand() -> None:
    assert cohen_kappa([]) is None
    assert cohen_kappa([("a", "a"), ("a", "a")]) is None  # both always say a: chance agreement is already 1
    assert cohen_kappa([("a", "a"), ("b", "b")]) == 1.0
    assert cohen_kappa([("a", "b"), ("b", "a")]) == -1.0
    # observed 3/4; expected (2*3 + 2*1)/16 = 0.5 -> kappa 0.5
    assert cohen_kappa([("x", "x"), ("x", "x"), ("y", "y"), ("y", "x")]) == pytest.approx(0.5)


def test_the_report_shows_verdicts_and_agreement(tmp_path: Path) -> None:
    verdicts = [
        v("completion_defective", 0, 0), v("completion_defective", 0, 0, author="human:bo"),
        v("completion_ok", 4, 1), v("completion_defective", 4, 1, author="human:bo"),
        v("drop_record", 2, author="human:bo", note="a <b>bold</b> | piped note"),
        pair(4, 1, 0), v("set_score", 1, 0, author="judge:gpt", score=4),
    ]
    version = run_curation(tmp_path, RECORDS, verdicts=verdicts)
    text = write_report(version.path, out=tmp_path / "report").read_text()
    section = text[text.index("## Verdicts"):]
    assert "**7** verdict lines were read" in section
    assert "| human:anna | completion_defective | applied |" not in section  # bo's later verdict wins
    assert "| human:bo | completion_defective | applied | 2 |" in section
    assert "| human:anna | completion_defective | superseded | 1 |" in section  # bo agreed, later
    assert "| human:anna | completion_ok | conflicting | 1 |" in section  # bo disagreed, later
    assert "| human:anna | human:bo | 2 |" in section  # two keys both judged: one agreement, one not
    assert "`conflicting`" in section


def test_no_verdicts_says_so(tmp_path: Path) -> None:
    version = run_curation(tmp_path, RECORDS)
    text = write_report(version.path, out=tmp_path / "report").read_text()
    assert "No verdicts: nobody has reviewed this data yet" in text
