from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from polars.testing import assert_frame_equal

from notus.core.errors import DataError, UsageError
from notus.core.version import Version
from notus.publish.layout import standard_type, write_tables

from .conftest import write_version


def read(root: Path, files: tuple[str, ...]) -> pl.DataFrame:
    return pl.concat([pl.read_parquet(root / f) for f in files])


def test_preferences_are_cut_by_split_column_in_version_order(version_dir: Path, tmp_path: Path) -> None:
    v = Version.open(version_dir)
    layouts = {t.table: t for t in write_tables(v, tmp_path / "out")}
    prefs = layouts["preferences"]
    assert [s.name for s in prefs.splits] == ["train", "test"]
    source = v.scan("preferences").collect()
    for split in prefs.splits:
        got = read(tmp_path / "out", split.files)
        assert_frame_equal(got, source.filter(pl.col("split") == split.name))
        assert split.rows == got.height
        assert all(f.startswith(f"data/preferences/{split.name}-") for f in split.files)


def test_tables_without_split_column_are_one_train_split(version_dir: Path, tmp_path: Path) -> None:
    v = Version.open(version_dir)
    dropped = next(t for t in write_tables(v, tmp_path / "out") if t.table == "dropped")
    assert [s.name for s in dropped.splits] == ["train"]
    assert dropped.files == ("data/dropped/train-00000-of-00001.parquet",)
    assert_frame_equal(read(tmp_path / "out", dropped.files), v.scan("dropped").collect())


def test_small_shard_size_makes_numbered_shards_that_hold_every_row_once(version_dir: Path, tmp_path: Path) -> None:
    v = Version.open(version_dir)
    prefs = next(t for t in write_tables(v, tmp_path / "out", max_shard_bytes=2_000) if t.table == "preferences")
    train = prefs.splits[0]
    n = len(train.files)
    assert n > 1
    assert list(train.files) == [f"data/preferences/train-{i:05d}-of-{n:05d}.parquet" for i in range(n)]
    sizes = [pq.ParquetFile(tmp_path / "out" / f).metadata.num_rows for f in train.files]
    assert sum(sizes) == train.rows
    assert len(set(sizes[:-1])) == 1 and sizes[-1] <= sizes[0]  # full shards, then the rest
    expected = v.scan("preferences").filter(pl.col("split") == "train").collect()
    assert_frame_equal(read(tmp_path / "out", train.files), expected)


def test_shards_use_standard_arrow_types_and_are_byte_identical_across_builds(
    version_dir: Path, tmp_path: Path
) -> None:
    v = Version.open(version_dir)
    assert pa.types.is_large_string(pq.read_schema(v.files("preferences")[0]).field("prompt").type)
    a = write_tables(v, tmp_path / "a", max_shard_bytes=3_000)
    b = write_tables(v, tmp_path / "b", max_shard_bytes=3_000)
    files = [f for t in a for f in t.files]
    assert files == [f for t in b for f in t.files]
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    schema = pq.read_schema(tmp_path / "a" / files[0])
    assert schema.field("prompt").type == pa.string()
    assert schema.field("chosen").type == pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))


def test_standard_type_recurses_into_nested_types() -> None:
    nested = pa.large_list(pa.struct([("m", pa.map_(pa.large_string(), pa.large_binary()))]))
    assert standard_type(nested) == pa.list_(pa.struct([("m", pa.map_(pa.string(), pa.binary()))]))
    assert standard_type(pa.int32()) == pa.int32()


def test_empty_tables_get_no_config_but_empty_preferences_is_refused(version_dir: Path, tmp_path: Path) -> None:
    v = Version.open(version_dir)
    assert v.rows("mismatches") == 0
    assert "mismatches" not in {t.table for t in write_tables(v, tmp_path / "out")}
    empty = write_version(tmp_path / "empty", n=0)
    with pytest.raises(DataError, match="'preferences' has no rows"):
        write_tables(Version.open(empty), tmp_path / "out2")


def _rewrite_preferences(folder: Path, change: pl.Expr) -> Path:
    path = folder / "preferences.parquet"
    pl.read_parquet(path).with_columns(change).write_parquet(path)
    return folder


def test_rows_without_a_split_are_an_error(version_dir: Path, tmp_path: Path) -> None:
    folder = _rewrite_preferences(version_dir, pl.when(pl.col("record_id") == 3).then(None)
                                  .otherwise(pl.col("split")).alias("split"))
    with pytest.raises(DataError, match="1 rows have no 'split' value"):
        write_tables(Version.open(folder), tmp_path / "out")


def test_split_names_datasets_would_refuse_are_an_error(version_dir: Path, tmp_path: Path) -> None:
    folder = _rewrite_preferences(version_dir, pl.when(pl.col("record_id") == 3).then(pl.lit("hold out"))
                                  .otherwise(pl.col("split")).alias("split"))
    with pytest.raises(DataError, match="split names"):
        write_tables(Version.open(folder), tmp_path / "out")


def test_manifest_row_count_must_match_the_files(version_dir: Path, tmp_path: Path) -> None:
    manifest = json.loads((version_dir / "manifest.json").read_text())
    manifest["tables"]["preferences"]["rows"] += 1
    (version_dir / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DataError, match="manifest says 61"):
        write_tables(Version.open(version_dir), tmp_path / "out")


def test_the_input_text_is_left_out_unless_asked_for(tmp_path: Path) -> None:
    text_schema = {"record_id": pl.Int64, "prompt": pl.String}
    v = Version.open(write_version(tmp_path / "v", extra={
        "prompts": ([{"record_id": 0, "prompt": "hi"}], text_schema),
        "responses": ([{"record_id": 0, "prompt": "hello"}], text_schema),
    }))
    assert {t.table for t in write_tables(v, tmp_path / "a")} == {"preferences", "dropped"}
    chosen = write_tables(v, tmp_path / "b", tables=["preferences", "prompts"])
    assert [t.table for t in chosen] == ["preferences", "prompts"]
    with pytest.raises(UsageError, match="no table 'ratings'"):
        write_tables(v, tmp_path / "c", tables=["ratings"])
