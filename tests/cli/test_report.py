"""`notus report` from the command line: where it writes, what it says of missing tables, one-line mistakes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from notus.cli.main import main


@pytest.mark.slow
def test_cli_writes_outside_the_version_and_explains_missing_tables(
        notus_version: Path, version_factory: Callable[..., Path], zephyr_tables: dict[str, pl.DataFrame],
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    bare = version_factory("zephyr", zephyr_tables)  # no mismatches, no contamination
    before = sorted(p.name for p in bare.iterdir())
    monkeypatch.chdir(tmp_path)
    assert main(["report", str(bare), "--compare", str(notus_version), "--examples", "2"]) == 0
    printed = Path(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed == Path(f"data/reports/zephyr-{bare.name}-vs-notus-{notus_version.name}/report.md")
    assert sorted(p.name for p in bare.iterdir()) == before
    text = (tmp_path / printed).read_text()
    assert "does not publish `mismatches`, so there is no mismatch analysis to show" in text
    assert "does not publish `contamination` (its pipeline has no decontamination step)" in text
    assert "### Chosen-index confusion table" in text
    written = {p.name for p in (tmp_path / printed).parent.glob("*.png")}
    assert "mismatches.png" not in written and {"margins.png", "compare_confusion.png"} <= written


@pytest.mark.parametrize(("args", "message"), [
    (["report", "nowhere"], "not a notus version folder"),
    (["report", "VERSION", "--examples", "-1"], "--examples must be >= 0"),
])
def test_cli_mistakes_exit_2_with_one_line(notus_version: Path, args: list[str], message: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    args = [str(notus_version) if a == "VERSION" else a for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
