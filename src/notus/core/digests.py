"""Content digests of source files: a cache keyed by stat, and hashing started before it is needed.

The version id rests on the sha256 of every input byte, never on paths or mtimes. Hashing a gigabyte on
every run would make a no-op rebuild slow, so digests are remembered in a small cache keyed by
(path, size, mtime_ns, inode) — the same trade git's index makes. A new input must be hashed once; `notus
run` starts that in a background thread (`prefetch`) before it imports the engines, so the hashing (hashlib
releases the GIL) runs beside the imports and spec loading on another core instead of after them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from notus.core import cachefile

DATA_SUFFIXES = (".jsonl", ".json", ".parquet", ".csv", ".ndjson", ".jsonl.gz", ".json.gz")
_PENDING: dict[str, Future[str]] = {}  # stat key -> the digest being computed by prefetch


def data_files(root: Path) -> list[Path]:
    """The files a local source folder holds (data suffixes, nothing under a dot folder), in order."""
    if not root.is_dir():
        return [root]
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.name.endswith(DATA_SUFFIXES)
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def stat_key(path: Path) -> str:
    st = path.stat()
    return f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{st.st_ino}"


def file_sha256(path: Path, chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


class DigestCache:
    """sha256 per file, reused while the file's stat is unchanged (`cache_dir/digests.json`)."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.path = cache_dir / "digests.json" if cache_dir else None
        self.entries: dict[str, str] = {}
        self.dirty = False
        if self.path and self.path.exists():
            try:
                self.entries = json.loads(self.path.read_text())
            except (OSError, ValueError):
                self.entries = {}

    def digest(self, path: Path) -> str:
        key = stat_key(path)
        if key not in self.entries:
            pending = _PENDING.pop(key, None)
            self.entries[key] = pending.result() if pending is not None else file_sha256(path)
            self.dirty = True
        return self.entries[key]

    def save(self) -> None:
        if not (self.path and self.dirty):
            return
        cachefile.write(self.path, self.entries)


def prefetch(locations: Iterable[str], cache_dir: Path) -> int:
    """Start hashing, in one background thread, the files of these local sources that the cache does not
    know yet; returns how many. A URI, a missing path or a file changed before its digest is used is
    simply hashed again where it is needed: this only ever saves time."""
    known = DigestCache(cache_dir).entries
    todo: list[tuple[str, Path]] = []
    for location in locations:
        root = Path(location).expanduser()
        if "://" in location or not root.exists():
            continue
        for path in data_files(root):
            key = stat_key(path)
            if key not in known and key not in _PENDING:
                todo.append((key, path))
    if todo:
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notus-digest")
        for key, path in todo:
            _PENDING[key] = pool.submit(file_sha256, path)
        pool.shutdown(wait=False)
    return len(todo)
