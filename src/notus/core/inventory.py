"""What is in a store, read without changing it: versions with their age, pins and step outputs, step
folders, leftover temporaries, and how many bytes removing a set of paths would really free.

Shared by `notus gc` (to plan) and `notus versions` (to list). Every fact comes from the disk: which step
outputs a version needs is derived from its manifest, never remembered elsewhere, so it cannot go stale.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from notus.core import pins
from notus.core.store import STEPS_DIR, TMP_PREFIX, Store, pid_of, process_alive
from notus.core.version import MANIFEST


@dataclass(frozen=True)
class StoredVersion:
    pipeline: str
    version_id: str  # the folder name, which the runner makes equal to the manifest's version_id
    path: Path
    created: dt.datetime  # the manifest's created_at; the folder's mtime when that is missing
    steps: frozenset[str]  # the `.steps/` folders its steps were built in
    is_latest: bool
    pinned: bool
    manifest: dict[str, Any]  # {} when unreadable: such a version is kept, never guessed about

    @property
    def readable(self) -> bool:
        return bool(self.manifest)


def versions(store: Store) -> list[StoredVersion]:
    """Every complete version of every pipeline, newest first within a pipeline."""
    found: list[StoredVersion] = []
    for pipeline in store.pipelines():
        latest = store.latest(pipeline)
        pinned = pins.read(store.pipeline_dir(pipeline))
        mine = []
        for folder in store.versions(pipeline):
            manifest = _manifest(folder)
            mine.append(StoredVersion(
                pipeline=pipeline, version_id=folder.name, path=folder, created=_created(folder, manifest),
                steps=step_keys(manifest), is_latest=latest is not None and folder.resolve() == latest,
                pinned=folder.name in pinned, manifest=manifest,
            ))
        mine.sort(key=lambda v: (v.created, v.path.stat().st_mtime_ns, v.version_id), reverse=True)
        found.extend(mine)
    return found


def step_keys(manifest: dict[str, Any]) -> frozenset[str]:
    """The step folders a version was built from: the same names as `fingerprint.step_key`."""
    steps = manifest.get("steps", [])
    return frozenset(f"{s['name']}-{str(s['fingerprint'])[:20]}" for s in steps
                     if isinstance(s, dict) and "name" in s and "fingerprint" in s)


def step_folders(store: Store) -> list[Path]:
    folder = store.root / STEPS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def temporaries(store: Store) -> list[Path]:
    """`.tmp-*` leftovers of processes that are gone (a live process's temporaries are its own)."""
    folders = [store.root, store.root / STEPS_DIR, *(store.pipeline_dir(p) for p in store.pipelines())]
    stale = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith(TMP_PREFIX) and not _owner_alive(entry.name):
                stale.append(entry)
    return stale


def freed_bytes(groups: Sequence[Iterable[Path]]) -> list[int]:
    """Bytes that removing every path of every group would free, per group.

    Versions hard-link their tables to step outputs, so a file's bytes are freed only when every link to
    its inode is among the removed paths; each inode is counted once, in the first group that holds it.
    """
    inodes: dict[tuple[int, int], list[int]] = {}  # inode -> [size, links, links seen, group]
    for index, paths in enumerate(groups):
        for path in paths:
            for f in _files(path):
                st = f.lstat()
                if not stat.S_ISREG(st.st_mode):  # a link's few bytes are not what anyone asks about
                    continue
                entry = inodes.setdefault((st.st_dev, st.st_ino), [st.st_size, st.st_nlink, 0, index])
                entry[2] += 1
    freed = [0] * len(groups)
    for size, links, seen, index in inodes.values():
        if seen >= links:
            freed[index] += size
    return freed


def _owner_alive(name: str) -> bool:
    pid = pid_of(name)
    try:
        return pid is not None and process_alive(pid)
    except OverflowError:  # a number too large to be a pid
        return False


def _files(path: Path) -> Iterable[Path]:
    if path.is_symlink() or path.is_file():
        yield path
        return
    for parent, _, names in os.walk(path):
        for name in names:
            yield Path(parent) / name


def _manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _created(folder: Path, manifest: dict[str, Any]) -> dt.datetime:
    try:
        created = dt.datetime.fromisoformat(str(manifest["created_at"]))
    except (KeyError, ValueError):
        created = dt.datetime.fromtimestamp(folder.stat().st_mtime, dt.UTC)
    return created if created.tzinfo else created.replace(tzinfo=dt.UTC)
