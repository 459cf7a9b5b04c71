"""Pins: versions that `notus gc` must keep whatever their age (a published dataset, a training run's data).

A pipeline's pins live in `BUILD/<pipeline>/.pins`, a text file a person can read and edit: one version id
per line, `#` starts a comment (`notus pin --note` writes one after the id). It is rewritten whole into a
`.tmp-` file and renamed over the old one, so a crash never leaves half a pin list. A pin takes the store's
gate shared (it never runs while gc decides what to remove, but does not wait for builds) and a lock of its
own, so two pins at once do not lose each other's line.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from notus.core import gate, locks
from notus.core.errors import UsageError
from notus.core.store import TMP_PREFIX
from notus.core.version import MANIFEST

PINS = ".pins"


def read(pipeline_dir: Path) -> dict[str, str]:
    """The pinned version ids of a pipeline folder, each with its note ('' when none)."""
    path = pipeline_dir / PINS
    if not path.is_file():
        return {}
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        vid, _, note = line.partition("#")
        if vid.strip():
            pins[vid.strip()] = note.strip()
    return pins


def add(pipeline_dir: Path, vid: str, note: str = "") -> bool:
    """Pin `vid`; False if it was already pinned (the file is then left as it was)."""
    with _locked(pipeline_dir):
        if not (pipeline_dir / vid / MANIFEST).is_file():  # checked under the gate: gc may just have removed it
            raise UsageError(f"{pipeline_dir / vid}: no such version to pin")
        if vid in read(pipeline_dir):
            return False
        lines = _lines(pipeline_dir)
        lines.append(f"{vid}  # {note}" if note else vid)
        _write(pipeline_dir, lines)
        return True


def keep_used(version_dir: Path, pipeline: str, note: str) -> bool:
    """Pin a version that something outside the store now depends on (a published dataset, a trained model).

    WHY automatic: the Hub tag and a model's `training_data.json` name a version id; if `notus gc` removed
    that version, the data behind them could only be rebuilt, not opened. Only a version that lives in a
    store (BUILD/<pipeline>/<id>) is pinned; a copy elsewhere has no gc to be kept from. True when the pin
    is new.
    """
    folder = version_dir.resolve()
    if folder.parent.name != pipeline or not (folder / MANIFEST).is_file():
        return False
    return add(folder.parent, folder.name, note=" ".join(note.split()))


def remove(pipeline_dir: Path, vid: str) -> bool:
    """Unpin `vid`; False if it was not pinned. Comment lines and other pins are kept as written."""
    with _locked(pipeline_dir):
        lines = _lines(pipeline_dir)
        kept = [line for line in lines if line.partition("#")[0].strip() != vid]
        if len(kept) == len(lines):
            return False
        _write(pipeline_dir, kept)
        return True


def _lines(pipeline_dir: Path) -> list[str]:
    path = pipeline_dir / PINS
    return path.read_text(encoding="utf-8").splitlines() if path.is_file() else []


def _write(pipeline_dir: Path, lines: list[str]) -> None:
    tmp = pipeline_dir / f"{TMP_PREFIX}pins-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write("".join(f"{line}\n" for line in lines))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, pipeline_dir / PINS)


@contextlib.contextmanager
def _locked(pipeline_dir: Path) -> Iterator[None]:
    with gate.hold(pipeline_dir.parent, exclusive=False), locks.hold(pipeline_dir / ".pins.lock"):
        yield
