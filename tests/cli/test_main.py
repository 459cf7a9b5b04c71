"""The command line: exit codes, the last printed line, and no traceback for user mistakes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from notus.cli.main import main

NOTUS = [sys.executable, "-m", "notus.cli.main"]


def test_run_prints_version_dir_last_and_show_versions_query_work(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    # the tiny pipeline's Polars step is registered by tests/core/conftest.py, so run in-process
    assert main(["run", "pipelines/tiny.yaml", "--set", "threshold=4"]) == 0
    out = capsys.readouterr()
    vdir = Path(out.out.strip().splitlines()[-1])
    assert vdir.parent == Path("data/build/tiny") and (vdir / "manifest.json").is_file()
    assert "[3/3] enriched" in out.err

    assert main(["run", "pipelines/tiny.yaml", "--set", "threshold=4"]) == 0
    assert "reused all 3 steps" in capsys.readouterr().err

    assert main(["show", str(vdir)]) == 0
    shown = capsys.readouterr().out
    assert "enriched" in shown and "fingerprint" not in shown.splitlines()[0]

    assert main(["versions"]) == 0
    assert vdir.name in capsys.readouterr().out

    assert main(["query", "select count(*) as n from tiny.enriched", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "5"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["run", "pipelines/nope.yaml"], 2, "no such pipeline spec"),
        (["run", "pipelines/sql.yaml", "--set", "threshold"], 2, "expects KEY=VALUE"),
        (["run", "pipelines/sql.yaml", "--set", "threshold=high"], 2, "expected an integer"),
        (["run", "pipelines/sql.yaml", "--input", "missing.jsonl"], 2, "does not exist"),
        (["run", "pipelines/tiny.yaml"], 2, "unknown step 'tests.enrich'"),
        (["show", "nowhere"], 2, "not a notus version folder"),
        (["query", "select 1"], 2, "no catalog"),
        (["frobnicate"], 2, "invalid choice"),
    ],
)
def test_user_mistakes_exit_with_one_line_and_no_traceback(
    project: Path, args: list[str], code: int, message: str
) -> None:
    sql_only = (project / "pipelines" / "tiny.yaml").read_text().replace(
        "  - name: enriched\n    polars: tests.enrich\n", "").replace("publish: [enriched, raw]", "publish: [raw]")
    (project / "pipelines" / "sql.yaml").write_text(sql_only)
    proc = subprocess.run([*NOTUS, *args], cwd=project, capture_output=True, text=True)
    assert proc.returncode == code
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_every_command_has_help() -> None:
    from notus.cli.main import COMMANDS, build_parser

    parser = build_parser()
    registered = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in registered:
        assert name in COMMANDS
        proc = subprocess.run([*NOTUS, name, "--help"], capture_output=True, text=True)
        assert proc.returncode == 0 and "usage: notus" in proc.stdout
