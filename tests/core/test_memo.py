"""The no-op memo: `notus run` answers an unchanged rebuild without computing the version id, and any
change to what the id rests on (spec, SQL, params, input, environment, code, the store) takes the full path."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from notus.cli import run as cli_run
from notus.cli.main import main
from notus.core import memo, runner


@pytest.fixture
def notus_run(project: Path, monkeypatch: pytest.MonkeyPatch,
              capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[bool, str]]:
    """Runs `notus run tiny.yaml` in-process; returns (whether the full path ran, the version folder)."""
    calls: list[int] = []
    real = runner.run

    def counting(*args: object, **kwargs: object) -> runner.RunResult:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "run", counting)
    monkeypatch.chdir(project)

    def go(*extra: str) -> tuple[bool, str]:
        before = len(calls)
        assert main(["run", "pipelines/tiny.yaml", "--build-dir", "build", *extra]) == 0
        out = capsys.readouterr()
        return len(calls) > before, out.out.strip().splitlines()[-1]

    return go


def test_an_unchanged_rebuild_is_answered_from_the_memo(notus_run: Callable[..., tuple[bool, str]],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    full, first = notus_run()
    assert full
    full, again = notus_run()
    assert not full and again == first
    assert main(["run", "pipelines/tiny.yaml", "--build-dir", "build"]) == 0
    assert "is up to date: reused all 3 steps, nothing recomputed" in capsys.readouterr().err


def test_a_comment_edit_takes_the_full_path_and_keeps_the_version(project: Path,
                                                                  notus_run: Callable[..., tuple[bool, str]]) -> None:
    _, first = notus_run()
    sql = project / "sql" / "filtered.sql"
    sql.write_text("-- a new header\n" + sql.read_text())
    full, again = notus_run()
    assert full and again == first  # the parse tree is unchanged, so is the id
    assert notus_run() == (False, first)


@pytest.mark.parametrize("change", ["sql", "spec", "input", "new_file_in_code", "set", "env"])
def test_every_kind_of_change_takes_the_full_path(project: Path, notus_run: Callable[..., tuple[bool, str]],
                                                  monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    _, first = notus_run()
    extra: list[str] = []
    if change == "sql":
        (project / "sql" / "filtered.sql").write_text("select a, a * 3 as b, $label as label from raw order by a;\n")
    elif change == "spec":
        spec = project / "pipelines" / "tiny.yaml"
        spec.write_text(spec.read_text().replace("default: 2", "default: 3"))
    elif change == "input":
        pl.DataFrame({"a": list(range(11))}).write_parquet(project / "input.parquet")
    elif change == "new_file_in_code":  # a module added to a fingerprinted package: its folder changes
        extra_module = Path(memo.__file__).parent.parent / "_memo_test_module.py"
        extra_module.write_text("")
        try:
            full, _ = notus_run()
        finally:
            extra_module.unlink()
        assert full
        return
    elif change == "set":
        extra = ["--set", "threshold=5"]
    elif change == "env":
        monkeypatch.setenv("NOTUS_SOMETHING", "1")
    full, again = notus_run(*extra)
    assert full
    if change in ("sql", "spec", "input", "set"):
        assert again != first


def test_the_store_is_checked_latest_catalog_and_gc(project: Path,
                                                    notus_run: Callable[..., tuple[bool, str]]) -> None:
    _, first = notus_run()
    _, other = notus_run("--set", "threshold=5")
    assert other != first
    full, back = notus_run()  # the memo of the default request names `first`, but latest is `other`
    assert full and back == first
    assert notus_run() == (False, first)
    (project / "build" / ".." / "notus.duckdb").resolve().unlink()  # the catalog went away
    assert notus_run()[0]
    os.rename(first, Path(first).with_name(".tmp-gc-x"))  # gc took the version
    full, rebuilt = notus_run()
    assert full and rebuilt == first and (Path(rebuilt) / "manifest.json").is_file()


def test_a_remote_source_writes_no_memo(project: Path, notus_run: Callable[..., tuple[bool, str]]) -> None:
    notus_run()
    assert list((project / "build" / ".cache").glob("noop-*.json"))
    for stale in (project / "build" / ".cache").glob("noop-*.json"):
        stale.unlink()
    from notus.core.noop import _source_inputs
    from notus.core.spec import load_spec

    spec = load_spec(project / "pipelines" / "tiny.yaml")
    assert _source_inputs(spec, {"input": "hf://datasets/org/name"}) is None
    files, env = _source_inputs(spec, {}) or ([], set())
    assert project / "input.parquet" in files and env == set()


def test_a_corrupt_memo_is_ignored(project: Path, notus_run: Callable[..., tuple[bool, str]]) -> None:
    _, first = notus_run()
    for path in (project / "build" / ".cache").glob("noop-*.json"):
        path.write_text("{not json")
    assert notus_run() == (True, first)


def test_the_cli_default_store_is_the_runners() -> None:
    assert cli_run.DEFAULT_BUILD_DIR == runner.DEFAULT_BUILD_DIR
