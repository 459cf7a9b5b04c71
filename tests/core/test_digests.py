"""Source digests: the stat-keyed cache, and hashing started ahead (`prefetch`) giving the same digests."""

from __future__ import annotations

import hashlib
from pathlib import Path

from notus.core import digests
from notus.core.digests import DigestCache, data_files, prefetch, stat_key


def _input(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.jsonl").write_bytes(b'{"x": 1}\n' * 1000)
    (folder / "sub" / "b.parquet").write_bytes(b"PAR1" * 10)
    (folder / "notes.txt").write_text("not data")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "c.jsonl").write_text("{}\n")
    return folder


def test_data_files_are_the_sources_files_in_order(tmp_path: Path) -> None:
    folder = _input(tmp_path)
    assert data_files(folder) == [folder / "a.jsonl", folder / "sub" / "b.parquet"]
    assert data_files(folder / "a.jsonl") == [folder / "a.jsonl"]


def test_prefetched_digests_are_the_digests_and_are_used_once(tmp_path: Path) -> None:
    folder = _input(tmp_path)
    cache_dir = tmp_path / "cache"
    assert prefetch([str(folder), "hf://datasets/org/name", str(tmp_path / "missing")], cache_dir) == 2
    assert prefetch([str(folder)], cache_dir) == 0  # already on its way
    cache = DigestCache(cache_dir)
    for path in data_files(folder):
        assert cache.digest(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    assert not digests._PENDING  # each prefetched digest was taken by the cache
    cache.save()
    assert prefetch([str(folder)], cache_dir) == 0  # the cache knows them: nothing is hashed again


def test_a_file_changed_after_its_prefetch_is_hashed_again(tmp_path: Path) -> None:
    folder = _input(tmp_path)
    prefetch([str(folder)], tmp_path / "cache")
    target = folder / "a.jsonl"
    old_key = stat_key(target)
    digests._PENDING[old_key].result()
    target.write_bytes(b'{"x": 2}\n' * 999)
    assert DigestCache(None).digest(target) == hashlib.sha256(target.read_bytes()).hexdigest()
    digests._PENDING.clear()
