"""`notus pin VERSION_DIR`: keep a version through every `notus gc` (the data a published dataset or a training
run used). `--remove` unpins it, `--list [PIPELINE]` shows the pins. Pins live in BUILD/<pipeline>/.pins."""

from __future__ import annotations

import argparse
from pathlib import Path

from notus.core import pins
from notus.core.errors import UsageError
from notus.core.runner import DEFAULT_BUILD_DIR
from notus.core.store import Store
from notus.core.version import MANIFEST, Version


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pin", help="keep a version through `notus gc`", description=__doc__)
    p.add_argument("target", nargs="?", help="a version folder; with --list, a pipeline name")
    p.add_argument("--note", default="", help="why it is pinned (written after the id in .pins)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--remove", action="store_true", help="unpin the version")
    what.add_argument("--list", action="store_true", help="list pinned versions")
    p.add_argument("--build-dir", type=Path, default=DEFAULT_BUILD_DIR, help="store root for --list")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    if args.list:
        return _list(Store(args.build_dir), args.target)
    if not args.target:
        raise UsageError("notus pin: give a version folder (or --list)")
    if args.remove:
        folder = _version_folder(args.target, must_exist=False)
        if not pins.remove(folder.parent, folder.name):
            raise UsageError(f"{folder}: not pinned")
        print(f"notus: unpinned {folder.parent.name}/{folder.name}")
        return 0
    folder = _version_folder(args.target, must_exist=True)
    added = pins.add(folder.parent, folder.name, note=" ".join(args.note.split()))
    print(f"notus: {'pinned' if added else 'already pinned:'} {folder.parent.name}/{folder.name}")
    return 0


def _version_folder(target: str, must_exist: bool) -> Path:
    """The real version folder (a `latest` link resolved); an unpin may name one gc has removed since."""
    path = Path(target).expanduser()
    if must_exist or (path / MANIFEST).is_file() or (path / "latest").exists():
        return Version.open(path).path
    if not (path.parent / pins.PINS).is_file():
        raise UsageError(f"{target}: not a notus version folder, and no pins next to it")
    return path.resolve()


def _list(store: Store, pipeline: str | None) -> int:
    names = store.pipelines()
    if pipeline and pipeline not in names:
        raise UsageError(f"no pipeline '{pipeline}' in {store.root}")
    for name in [pipeline] if pipeline else names:
        folder = store.pipeline_dir(name)
        for vid, note in pins.read(folder).items():
            state = "" if (folder / vid / MANIFEST).is_file() else "  (removed from the store)"
            print(f"{name}/{vid}" + (f"  # {note}" if note else "") + state)
    return 0
