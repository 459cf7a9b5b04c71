"""A CLI that behaves in a pipe: `notus ... | head` ends quietly with exit 0, whatever the command.

Each command runs in a real subprocess. The first test hands it a pipe whose reader is already gone, so its
first write fails (deterministic, not a race with `head`); the second is the shell pipeline a user types,
with output far larger than a pipe holds, so the pipe really breaks mid-write.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

NOTUS = [sys.executable, "-m", "notus.cli.main"]


@pytest.fixture
def built(sql_project: Path, build: Callable[[str, int], Path]) -> Path:
    for seed in range(3):
        build("a", seed)
    return sql_project


def into_closed_pipe(args: list[str], cwd: Path) -> tuple[int, str]:
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run([*NOTUS, *args], cwd=cwd, stdout=write, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(write)
    return proc.returncode, proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["versions"],
        ["versions", "--json"],
        ["show", "data/build/a/latest"],
        ["show", "data/build/a/latest", "--json"],
        ["query", "select * from range(50000)", "--format", "csv"],
        ["query", "select * from range(50000)", "--format", "json"],
        ["query", "select * from a.scored"],
        ["pin", "--list"],
        ["gc", "--dry-run"],
    ],
    ids=" ".join,
)
def test_a_reader_that_is_gone_ends_the_command_quietly(built: Path, args: list[str]) -> None:
    if args[0] == "pin":
        assert subprocess.run([*NOTUS, "pin", "data/build/a/latest"], cwd=built, capture_output=True).returncode == 0
    code, err = into_closed_pipe(args, built)
    assert (code, err) == (0, "")


def test_query_into_head_ends_with_exit_0_and_nothing_on_stderr(built: Path) -> None:
    notus = " ".join(shlex.quote(w) for w in NOTUS)
    script = (f'{notus} query "select range as n, repeat(\'x\', 40) as pad from range(200000)" --format csv '
              '| head -2; exit "${PIPESTATUS[0]}"')
    proc = subprocess.run(["bash", "-c", script], cwd=built, capture_output=True, text=True)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.splitlines() == ["n,pad", "0," + "x" * 40]


def test_versions_json_is_one_document(built: Path) -> None:
    proc = subprocess.run([*NOTUS, "versions", "--json"], cwd=built, capture_output=True, text=True)
    rows = json.loads(proc.stdout)
    assert [r["is_latest"] for r in rows] == [False, False, True]
    assert {r["pipeline"] for r in rows} == {"a"} and all(r["bytes"] > 0 and r["rows"] == 40_000 for r in rows)


@pytest.mark.parametrize("reader_gone", [True, False])
def test_only_a_stdout_whose_reader_is_gone_counts_as_a_pipe_closed_by_the_reader(reader_gone: bool) -> None:
    """Any other BrokenPipeError stays an error: main asks whether stdout itself lost its reader."""
    read, write = os.pipe()
    if reader_gone:
        os.close(read)
    probe = "import sys; from notus.cli.main import _stdout_gone; sys.exit(3 if _stdout_gone() else 4)"
    try:
        proc = subprocess.run([sys.executable, "-c", probe], stdout=write)
    finally:
        os.close(write)
        if not reader_gone:
            os.close(read)
    assert proc.returncode == (3 if reader_gone else 4)
