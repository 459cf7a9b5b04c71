from __future__ import annotations

from pathlib import Path

import datasets
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from notus.core.errors import UsageError
from notus.core.version import Version
from notus.publish.folder import build_folder


def test_folder_loads_with_datasets_every_config_and_split(version_dir: Path, tmp_path: Path) -> None:
    v = Version.open(version_dir)
    folder = build_folder(v, tmp_path / "hub", "notus-test/prefs", max_shard_bytes=3_000)
    assert {"README.md", "manifest.json", "pipeline.yaml"} <= set(folder.files)
    assert (folder.root / "manifest.json").read_bytes() == (version_dir / "manifest.json").read_bytes()
    cache = str(tmp_path / "datasets-cache")
    loaded = 0
    for table in folder.tables:
        for split in table.splits:
            ds = datasets.load_dataset(str(folder.root), name=table.table, split=split.name, cache_dir=cache)
            expected = v.scan(table.table).collect()
            if "split" in expected.columns:
                expected = expected.filter(pl.col("split") == split.name)
            assert ds.num_rows == split.rows == expected.height
            assert_frame_equal(pl.from_arrow(ds.data.table), expected)
            loaded += 1
    assert loaded == 3  # preferences train + test, dropped train
    default = datasets.load_dataset(str(folder.root), cache_dir=cache)  # no name: the default config
    assert {k: d.num_rows for k, d in default.items()} == {"train": 54, "test": 6}


def test_folder_replaces_an_earlier_preview_but_not_other_folders(version_dir: Path, tmp_path: Path) -> None:
    v = Version.open(version_dir)
    first = build_folder(v, tmp_path / "hub", "o/n", max_shard_bytes=2_000)
    again = build_folder(v, tmp_path / "hub", "o/n")
    assert len(again.files) < len(first.files)
    assert sorted(p.relative_to(again.root).as_posix() for p in again.root.rglob("*") if p.is_file()) == list(
        again.files)
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(UsageError, match="not empty"):
        build_folder(v, other, "o/n")
    assert (other / "notes.txt").read_text() == "keep me"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left behind
