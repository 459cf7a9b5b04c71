"""The command-line tests share the fixtures of the packages whose commands they drive: the tiny engine
project (tests/core), the publishable version and loopback Hub (tests/publish), the report's versions, the judge's
version and loopback chat-completions server (tests/judge).

Their own: a SQL-only project (no registered Polars step, so `notus` in a subprocess builds it too) whose
pipelines `a` and `b` share their `raw` step and differ in `scored`, so gc sees step outputs shared across
pipelines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from notus.cli.main import main
from tests.core.conftest import project
from tests.judge.conftest import judge_version, server
from tests.publish.conftest import hub, version_dir
from tests.report.conftest import build_root, completions, notus_version, version_factory, zephyr_tables

__all__ = ["build_root", "completions", "hub", "judge_version", "notus_version", "project", "server", "version_dir",
           "version_factory", "zephyr_tables"]

A = """\
name: a
params:
  seed: {type: int, default: 0}
sources:
  input: {default: input.parquet}
steps:
  - {name: raw, sql: sql/raw.sql}
  - {name: scored, sql: sql/scored.sql}
publish: [raw, scored]
"""
B = "name: b\nextends: a.yaml\nsteps:\n  - {name: scored, sql: sql/scored_b.sql}\n"


@pytest.fixture
def sql_project(tmp_path: Path) -> Path:
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "sql").mkdir()
    (tmp_path / "pipelines" / "a.yaml").write_text(A)
    (tmp_path / "pipelines" / "b.yaml").write_text(B)
    (tmp_path / "sql" / "raw.sql").write_text("select * from read_parquet(getvariable('source_input')) order by i\n")
    (tmp_path / "sql" / "scored.sql").write_text("select i, hash(i + $seed) % 100 as s from raw order by i\n")
    (tmp_path / "sql" / "scored_b.sql").write_text("select i, hash(i * 7 + $seed) % 10 as s from raw order by i\n")
    pl.DataFrame({"i": range(20_000), "t": [f"row {i}" for i in range(20_000)]}).write_parquet(
        tmp_path / "input.parquet")
    return tmp_path


@pytest.fixture
def build(sql_project: Path, capsys: pytest.CaptureFixture[str]) -> Callable[[str, int], Path]:
    """Build a pipeline of sql_project through the CLI, in this process (a subprocess would pay the imports
    again), and return the version folder."""

    def _build(pipeline: str, seed: int) -> Path:
        code = main(["run", str(sql_project / "pipelines" / f"{pipeline}.yaml"), "--set", f"seed={seed}",
                     "--quiet", "--build-dir", str(sql_project / "data" / "build")])
        out = capsys.readouterr().out
        assert code == 0
        return Path(out.strip().splitlines()[-1])

    return _build
