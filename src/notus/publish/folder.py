"""The complete folder a version becomes on the Hub: data shards, card, manifest and pipeline spec.

`--dry-run` writes this folder and upload sends this folder, built by the same function, so what a user
inspects is byte for byte what would be committed. The folder is assembled in a sibling temporary folder
and renamed into place, so an interrupted run never leaves a half-written preview that looks complete.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from notus.core.errors import UsageError
from notus.core.version import MANIFEST, Version
from notus.publish.card import render_card, spec_yaml
from notus.publish.layout import DEFAULT_MAX_SHARD_BYTES, TableLayout, write_tables

CARD = "README.md"
SPEC = "pipeline.yaml"
# Files a Hub folder written by notus always has: a folder holding them may be replaced by a new preview.
SIGNATURE = (CARD, MANIFEST, SPEC)


@dataclass(frozen=True)
class HubFolder:
    root: Path
    tables: tuple[TableLayout, ...]
    files: tuple[str, ...]  # every file, relative POSIX path, sorted


def build_folder(
    version: Version, target: Path, repo_id: str, max_shard_bytes: int = DEFAULT_MAX_SHARD_BYTES,
    tables: Sequence[str] | None = None,
) -> HubFolder:
    """Write the Hub folder for `version` at `target` (which must be absent, empty, or an earlier one);
    `tables`: which of its tables (default: all but the input text, see layout.default_tables)."""
    target = target.expanduser().absolute()
    _check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        layouts = write_tables(version, staging, max_shard_bytes, tables)
        (staging / CARD).write_text(render_card(version, layouts, repo_id), encoding="utf-8")
        shutil.copyfile(version.path / MANIFEST, staging / MANIFEST)
        (staging / SPEC).write_text(spec_yaml(version), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    files = tuple(sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()))
    return HubFolder(target, tuple(layouts), files)


def _check_target(target: Path) -> None:
    if not target.exists():
        return
    if not target.is_dir():
        raise UsageError(f"{target}: exists and is not a folder")
    if any(target.iterdir()) and not all((target / name).is_file() for name in SIGNATURE):
        raise UsageError(f"{target}: folder is not empty and is not an earlier `notus publish --dry-run` output")
