"""SIGKILL during `notus gc`, at many moments of its removal: kept versions stay whole, no step folder is
left half-deleted under its real name, and the next gc finishes the job exactly.

The invariants are checked wherever the kill lands (before, during or after the removals), so the test
does not depend on timing; the kill is aimed at the removals by waiting for gc's first rename.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from notus.core import inventory, pins
from notus.core.progress import Progress
from notus.core.runner import run
from notus.core.version import Version

NOTUS = [sys.executable, "-m", "notus.cli.main"]
# (where gc's first rename is awaited, then how long to let it go on): versions are renamed, the catalog is
# refreshed, step folders are renamed, then everything renamed is deleted
KILLS = [("tiny", d) for d in (0.0, 0.001, 0.003, 0.01, 0.05, 0.5)] + [(".steps", d) for d in (0.0, 0.001, 0.003, 0.01)]


@pytest.fixture
def big_store(project: Path) -> tuple[Path, set[str]]:
    """30 versions of tiny (41 step folders), one old version pinned; returns the data folder and the
    versions gc --keep 2 must leave."""
    built = []
    for offset in (1, 2, 3):
        for threshold in range(10):
            result = run(project / "pipelines" / "tiny.yaml", build_dir=project / "data" / "build",
                         sets={"threshold": threshold, "offset": offset}, progress=Progress(quiet=True))
            built.append(result.version_dir)
    pins.add(built[3].parent, built[3].name, note="a training run")
    return project / "data", {built[-1].name, built[-2].name, built[3].name}


def gc(data: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([*NOTUS, "gc", "--keep", "2", "--build-dir", str(data / "build")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def kill_after_first_rename(proc: subprocess.Popen[str], folder: Path, delay: float) -> None:
    while proc.poll() is None and not any(n.startswith(".tmp-gc-") for n in os.listdir(folder)):
        pass
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)


def assert_sound(data: Path, must_keep: set[str]) -> None:
    """Every version still under its name verifies, the ones gc keeps are all there, and every step folder
    still under its name is complete (a half-deleted one would be reused by the next build)."""
    pipeline_dir = data / "build" / "tiny"
    present = {p.name for p in pipeline_dir.iterdir() if p.is_dir() and not p.is_symlink()
               and not p.name.startswith(".")}
    assert must_keep <= present
    for name in present:
        Version.open(pipeline_dir / name).verify()
    assert (pipeline_dir / "latest").resolve().name in must_keep
    for step in (data / "build" / ".steps").iterdir():
        if not step.name.startswith("."):
            record = json.loads((step / "_step.json").read_text())
            assert all((step / f"{table}.parquet").is_file() for table in record["rows"]), step


@pytest.mark.slow
def test_sigkill_during_gc_harms_no_kept_version_and_the_next_gc_finishes(
    big_store: tuple[Path, set[str]], tmp_path: Path
) -> None:
    pristine, must_keep = big_store
    for i, (where, delay) in enumerate(KILLS):
        data = tmp_path / f"attempt-{i}" / "data"
        data.parent.mkdir()
        subprocess.run(["cp", "-a", str(pristine), str(data)], check=True)  # -a keeps the hard links
        kill_after_first_rename(gc(data), data / "build" / where, delay)
        assert_sound(data, must_keep)

        out, err = gc(data).communicate(timeout=120)
        assert "Traceback" not in err and out.splitlines()[-1].startswith("freed ")
        assert_sound(data, must_keep)
        build = data / "build"
        assert {p.name for p in (build / "tiny").iterdir() if p.is_dir() and not p.is_symlink()} == must_keep
        assert [p for p in build.rglob(".tmp-*")] == []
        kept = [Version.open(build / "tiny" / name) for name in must_keep]
        assert {p.name for p in (build / ".steps").iterdir()} == set().union(
            *(inventory.step_keys(v.manifest) for v in kept))
        con = duckdb.connect(str(data / "notus.duckdb"), read_only=True)
        try:
            assert {r[0] for r in con.sql("select version_id from versions").fetchall()} == must_keep
            assert con.sql("select count(*) from tiny.raw").fetchall() == [(10,)]
        finally:
            con.close()
        shutil.rmtree(data.parent)
