"""The versioned store on disk, and the rules that keep it sound.

    DIR/.steps/<step>-<fingerprint>/      cached step outputs (shared by pipelines: notus and zephyr
                                         ingest the same input once)
    DIR/<pipeline>/<version-id>/         an immutable version: <table>.parquet + manifest.json
    DIR/<pipeline>/latest -> <id>        the newest complete version

Everything is written under a `.tmp-*` name and renamed into place, so a crash leaves at most a temporary
folder (removed by the next run), never a half-written version. One run per pipeline holds its lock; a
second one waits and says so.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from notus.core import gate, locks
from notus.core.version import MANIFEST

TMP_PREFIX = ".tmp-"
STEPS_DIR = ".steps"
STEP_RECORD = "_step.json"


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root

    # --- layout -------------------------------------------------------------------------------------
    def pipeline_dir(self, pipeline: str) -> Path:
        return self.root / pipeline

    def version_dir(self, pipeline: str, vid: str) -> Path:
        return self.pipeline_dir(pipeline) / vid

    def step_dir(self, key: str) -> Path:
        return self.root / STEPS_DIR / key

    def cached_step(self, key: str) -> dict[str, Any] | None:
        record = self.step_dir(key) / STEP_RECORD
        if not record.is_file():
            return None
        try:
            return json.loads(record.read_text())
        except ValueError:
            return None

    def has_version(self, pipeline: str, vid: str) -> bool:
        return (self.version_dir(pipeline, vid) / MANIFEST).is_file()

    def pipelines(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("."))

    def versions(self, pipeline: str) -> list[Path]:
        folder = self.pipeline_dir(pipeline)
        if not folder.is_dir():
            return []
        # a `.tmp-` folder (staging, or one gc is deleting) may hold a manifest but is no version
        found = [p for p in folder.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
                 and (p / MANIFEST).is_file()]
        return sorted(found, key=lambda p: p.stat().st_mtime)

    def latest(self, pipeline: str) -> Path | None:
        link = self.pipeline_dir(pipeline) / "latest"
        return link.resolve() if (link / MANIFEST).is_file() else None

    # --- writing ------------------------------------------------------------------------------------
    def scratch(self) -> Path:
        """A private folder for engine spill files (DuckDB's temp_directory) for this process."""
        folder = self.root / f"{TMP_PREFIX}scratch-{os.getpid()}"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def staging(self, final: Path) -> Path:
        tmp = final.parent / f"{TMP_PREFIX}{final.name}-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        return tmp

    def commit_dir(self, tmp: Path, final: Path) -> bool:
        """Rename a finished staging folder into place; False if another run got there first."""
        _fsync_tree(tmp)
        try:
            os.rename(tmp, final)
        except OSError:
            if final.exists():
                shutil.rmtree(tmp, ignore_errors=True)
                return False
            raise
        fsync_dir(final.parent)
        return True

    def set_latest(self, pipeline: str, vid: str) -> None:
        folder = self.pipeline_dir(pipeline)
        tmp = folder / f"{TMP_PREFIX}latest-{os.getpid()}"
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        tmp.symlink_to(vid)
        os.replace(tmp, folder / "latest")
        fsync_dir(folder)

    def clean_stale(self, pipeline: str) -> list[Path]:
        """Remove temporary leftovers of runs that died. Call while holding the pipeline lock."""
        removed = []
        # The pipeline folder is ours alone while we hold its lock; the shared folders are cleaned only of
        # what a dead process left.
        shared = ((self.root / STEPS_DIR, False), (self.root, False))
        for folder, owned in ((self.pipeline_dir(pipeline), True), *shared):
            if not folder.is_dir():
                continue
            for entry in folder.iterdir():
                if not entry.name.startswith(TMP_PREFIX):
                    continue
                pid = pid_of(entry.name)
                if owned or pid is None or not process_alive(pid):
                    if entry.is_dir() and not entry.is_symlink():
                        shutil.rmtree(entry, ignore_errors=True)
                    else:
                        entry.unlink(missing_ok=True)
                    removed.append(entry)
        return removed

    @contextlib.contextmanager
    def lock(self, pipeline: str, quiet: bool = False) -> Iterator[None]:
        """Hold the store's gate (shared, so `notus gc` never runs under a build) and the pipeline's lock."""
        with gate.hold(self.root, exclusive=False, quiet=quiet), self.pipeline_lock(pipeline, quiet):
            yield

    @contextlib.contextmanager
    def pipeline_lock(self, pipeline: str, quiet: bool = False) -> Iterator[None]:
        """Hold the pipeline's lock; a second run waits for the first and says so."""
        with locks.hold(
            self.pipeline_dir(pipeline) / ".lock",
            waiting=None if quiet else (
                lambda pid: f"notus: another run of '{pipeline}' (pid {pid}) holds the lock; waiting for it…"),
            gave_up=lambda s: f"another run of '{pipeline}' still holds the lock after {s:g}s",
        ):
            yield


def link_or_copy(src: Path, dst: Path) -> None:
    """Hard-link a finished file into a version (no copy, same bytes); copy across filesystems."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def pid_of(name: str) -> int | None:
    tail = name.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else None


def process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
