"""Crash safety and concurrency of the store, with real processes: SIGKILL at many points, two runs at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from notus.core.version import Version

NOTUS = [sys.executable, "-m", "notus.cli.main"]

SLOW_SPEC = """\
name: slow
params:
  seed: {type: int, default: 0}
  n: {type: int, default: 3000000}
sources:
  input: {default: input.parquet}
steps:
  - {name: raw, sql: sql/raw.sql}
  - {name: heavy, sql: sql/heavy.sql}
  - {name: summary, sql: sql/summary.sql}
publish: [heavy, summary, raw]
"""


@pytest.fixture
def slow_project(project: Path) -> Path:
    (project / "pipelines" / "slow.yaml").write_text(SLOW_SPEC)
    (project / "sql" / "heavy.sql").write_text(
        "select i, hash(i + $seed) % 1000 as h, md5(cast(i as varchar)) as m from range($n) t(i) order by m"
    )
    (project / "sql" / "summary.sql").write_text("select h, count(*) as n from heavy group by h order by h")
    return project


def start(project: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*NOTUS, "run", "pipelines/slow.yaml", *args], cwd=project, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def assert_store_sound(project: Path, expected_latest: str) -> None:
    latest = Version.open(project / "data" / "build" / "slow" / "latest")
    assert latest.version_id == expected_latest
    latest.verify()
    for folder in (project / "data" / "build" / "slow").iterdir():
        if folder.is_dir() and not folder.name.startswith("."):
            Version.open(folder).verify()  # every completed version is whole
    con = duckdb.connect(str(project / "data" / "notus.duckdb"), read_only=True)
    assert con.sql("select count(*) from slow.summary").fetchall()[0][0] == 1000
    con.close()


@pytest.mark.slow
def test_sigkill_at_any_point_leaves_the_store_sound(slow_project: Path) -> None:
    t0 = time.monotonic()
    code, out, err = finish(start(slow_project))
    full = time.monotonic() - t0
    assert code == 0, err
    previous = Path(out.strip().splitlines()[-1]).name
    for i, fraction in enumerate((0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.97)):
        proc = start(slow_project, "--set", f"seed={i + 1}")
        time.sleep(full * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        latest = (slow_project / "data" / "build" / "slow" / "latest").resolve().name
        # a kill after the new version was renamed into place may legitimately have made it latest
        assert latest in (previous, _version_of(slow_project, i + 1))
        assert_store_sound(slow_project, latest)
        previous = latest
    code, out, err = finish(start(slow_project, "--set", "seed=42"))
    assert code == 0, err
    build = slow_project / "data" / "build"
    leftovers = [p for d in (build, build / ".steps", build / "slow") for p in d.iterdir()
                 if p.name.startswith(".tmp-")]
    assert leftovers == []
    assert not list((slow_project / "data").glob(".notus.duckdb.tmp-*"))
    assert_store_sound(slow_project, Path(out.strip().splitlines()[-1]).name)


def _version_of(project: Path, seed: int) -> str | None:
    for folder in (project / "data" / "build" / "slow").iterdir():
        complete = folder.is_dir() and not folder.is_symlink() and (folder / "manifest.json").is_file()
        if complete and Version.open(folder).params.get("seed") == seed:
            return folder.name
    return None


@pytest.mark.slow
def test_two_runs_at_once_wait_for_each_other(slow_project: Path) -> None:
    first = start(slow_project, "--set", "seed=7")
    time.sleep(0.3)
    second = start(slow_project, "--set", "seed=7")
    (c1, o1, e1), (c2, o2, e2) = finish(first), finish(second)
    assert (c1, c2) == (0, 0), e1 + e2
    assert o1.strip().splitlines()[-1] == o2.strip().splitlines()[-1]
    # whichever took the lock first (on a loaded machine the second may start first) built; the other waited
    waited = e2 if "holds the lock; waiting" in e2 else e1
    assert "holds the lock; waiting" in waited
    assert "reused all 3 steps" in waited
    assert_store_sound(slow_project, Path(o1.strip().splitlines()[-1]).name)


@pytest.mark.slow
def test_lock_timeout_gives_a_clear_message(slow_project: Path) -> None:
    first = start(slow_project, "--set", "seed=8")
    time.sleep(0.3)
    env = {**os.environ, "NOTUS_LOCK_TIMEOUT": "0.2"}
    second = subprocess.run([*NOTUS, "run", "pipelines/slow.yaml", "--set", "seed=8"], cwd=slow_project,
                            capture_output=True, text=True, env=env)
    assert finish(first)[0] == 0
    if second.returncode == 0:  # the first finished before the second started: nothing to wait for
        pytest.skip("first run finished too fast to contend")
    assert second.returncode == 1
    assert "still holds the lock" in second.stderr and "Traceback" not in second.stderr
