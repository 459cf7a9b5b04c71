"""`notus gc`, `notus pin` and `notus versions --json` from the command line, on a real two-pipeline store."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from notus.cli.main import main
from notus.core.version import Version

Build = Callable[[str, int], Path]


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def listed(project: Path, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    code, out, _ = cli(capsys, "versions", "--json", "--build-dir", str(project / "data" / "build"))
    assert code == 0
    return json.loads(out)


@pytest.fixture
def store(sql_project: Path, build: Build) -> dict[tuple[str, int], Path]:
    """a at seeds 1, 2, 3 and b at seeds 1, 2: five versions, one shared `raw` step output."""
    return {(p, s): build(p, s) for p, s in (("a", 1), ("b", 1), ("a", 2), ("b", 2), ("a", 3))}


def test_gc_keep_one_prints_what_it_removes_and_the_bytes_freed(
    sql_project: Path, store: dict[tuple[str, int], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    build_dir = str(sql_project / "data" / "build")
    code, out, err = cli(capsys, "gc", "--keep", "1", "--build-dir", build_dir)
    assert code == 0, err
    for gone in (store["a", 1], store["a", 2], store["b", 1]):
        assert f"remove       version   {gone.parent.name}/{gone.name}" in out
    assert "remove       step      .steps/scored-" in out
    freed = int(out.splitlines()[-1].split()[1].replace(",", ""))
    assert out.splitlines()[-1].startswith("freed ") and freed > 0
    assert "3 versions, 3 step outputs" in out
    rows = listed(sql_project, capsys)
    assert {(r["pipeline"], r["version_id"], r["is_latest"]) for r in rows} == {
        ("a", store["a", 3].name, True), ("b", store["b", 2].name, True)}
    for r in rows:
        Version.open(r["path"]).verify()
    code, out, _ = cli(capsys, "query", "select count(*) as n from versions", "--format", "csv",
                       "--catalog", str(sql_project / "data" / "notus.duckdb"))
    assert code == 0 and out.splitlines() == ["n", "2"]
    code, out, _ = cli(capsys, "gc", "--keep", "1", "--build-dir", build_dir)
    assert code == 0
    assert out.splitlines()[-1].startswith("freed 0 bytes (0 B): 0 versions, 0 step outputs, 0 temporaries")


def test_dry_run_prints_the_same_plan_and_changes_nothing(
    sql_project: Path, store: dict[tuple[str, int], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    build_dir = str(sql_project / "data" / "build")

    def snapshot() -> set[tuple[str, int, int]]:
        return {(str(p), p.lstat().st_ino, p.lstat().st_mtime_ns) for p in (sql_project / "data").rglob("*")
                if not p.name.endswith(".lock")}

    before = snapshot()
    code, dry, _ = cli(capsys, "gc", "a", "--keep", "0", "--dry-run", "--build-dir", build_dir)
    assert code == 0 and snapshot() == before
    assert "would remove version   a/" in dry and "(dry run: nothing changed)" in dry
    code, real, _ = cli(capsys, "gc", "a", "--keep", "0", "--build-dir", build_dir)
    as_done = dry.replace("would remove", "remove      ").replace("would free", "freed")
    assert real == as_done.replace("  (dry run: nothing changed)", "")
    assert {r["pipeline"] for r in listed(sql_project, capsys)} == {"a", "b"}
    assert len(listed(sql_project, capsys)) == 3  # a's latest, both of b (not named)


def test_pin_keeps_a_version_until_unpinned(
    sql_project: Path, store: dict[tuple[str, int], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    build_dir = str(sql_project / "data" / "build")
    old = store["a", 1]
    assert cli(capsys, "pin", str(old), "--note", "trained zephyr-7b-x")[1] == f"notus: pinned a/{old.name}\n"
    assert cli(capsys, "pin", str(old))[1] == f"notus: already pinned: a/{old.name}\n"
    assert cli(capsys, "pin", "--list", "--build-dir", build_dir)[1] == f"a/{old.name}  # trained zephyr-7b-x\n"
    assert (old.parent / ".pins").read_text() == f"{old.name}  # trained zephyr-7b-x\n"
    code, out, _ = cli(capsys, "gc", "--keep", "0", "--build-dir", build_dir)
    assert code == 0 and f"keep         a/{old.name}" in out and "(pinned)" in out
    Version.open(old).verify()
    assert [r["pinned"] for r in listed(sql_project, capsys) if r["version_id"] == old.name] == [True]
    assert cli(capsys, "pin", "--remove", str(old))[1] == f"notus: unpinned a/{old.name}\n"
    assert cli(capsys, "pin", "--list", "a", "--build-dir", build_dir)[1] == ""
    cli(capsys, "gc", "--keep", "0", "--build-dir", build_dir)
    assert not old.exists()


def test_keep_version_accepts_an_id_or_a_folder(
    sql_project: Path, store: dict[tuple[str, int], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    build_dir = str(sql_project / "data" / "build")
    code, _, _ = cli(capsys, "gc", "--keep", "0", "--keep-version", store["a", 1].name,
                       "--keep-version", str(store["b", 1]), "--build-dir", build_dir)
    assert code == 0
    assert {(r["pipeline"], r["version_id"]) for r in listed(sql_project, capsys)} == {
        ("a", store["a", 1].name), ("a", store["a", 3].name), ("b", store["b", 1].name), ("b", store["b", 2].name)}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["gc", "--keep", "-1"], "--keep must be 0 or more"),
        (["gc", "--older-than", "-2"], "--older-than must be 0 or more days"),
        (["gc", "nope"], "no pipeline 'nope'"),
        (["gc", "--keep-version", "feedbeef"], "--keep-version feedbeef: no such version"),
        (["pin", "nowhere"], "not a notus version folder"),
        (["pin"], "give a version folder"),
        (["pin", "--list", "nope"], "no pipeline 'nope'"),
    ],
)
def test_mistakes_exit_2_with_one_line(
    sql_project: Path, store: dict[tuple[str, int], Path], capsys: pytest.CaptureFixture[str],
    args: list[str], message: str,
) -> None:
    build_dir = ["--build-dir", str(sql_project / "data" / "build")] if args[1:2] != ["nowhere"] else []
    code, _, err = cli(capsys, *args, *build_dir)
    assert code == 2 and message in err and err.count("\n") == 1


def test_gc_of_a_missing_store_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "gc", "--build-dir", str(tmp_path / "nothing"))
    assert code == 2 and "no store at" in err
    assert not (tmp_path / "nothing").exists()
