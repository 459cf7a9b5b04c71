"""A version's tables cut into the Hub's data layout: one config per table, Parquet shards per split.

The layout is the one `push_to_hub` makes (`data/<config>/<split>-00000-of-00002.parquet`), so the Hub
viewer and `datasets.load_dataset` read it with no loading script. A table with a `split` column is cut
into one split per value of that column (preferences: `train` and `test`) and keeps the column, so every
shard is the exact rows of the version; any other table is one `train` split.

Shards are written with the standard Arrow `string` / `list` types: Polars writes the `large_` variants,
which would make the card's features read `large_string` where every other Hub dataset says `string`.
Writing streams record batches through pyarrow, so a table never has to fit in memory, and rows keep the
version's order, so the same version always gives byte-identical shards.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from notus.core.errors import DataError, UsageError
from notus.core.version import Version

DATA_DIR = "data"
PRIMARY_TABLE = "preferences"  # the training set: the default config, and never published empty
SPLIT_COLUMN = "split"
DEFAULT_SPLIT = "train"
SPLIT_ORDER = ("train", "validation", "test")
# The Hub's push_to_hub default is 500 MB; half that keeps a shard comfortable to download and to view.
DEFAULT_MAX_SHARD_BYTES = 256 * 1024 * 1024
BATCH_ROWS = 8192
ROW_GROUP_ROWS = 8192
# datasets refuses other split names (datasets.splits.NamedSplit)
SPLIT_NAME = re.compile(r"^\w+(\.\w+)*$")


@dataclass(frozen=True)
class SplitLayout:
    name: str
    rows: int
    files: tuple[str, ...]  # paths relative to the folder root, POSIX style
    num_bytes: int  # size of the rows as Arrow in memory (what datasets calls num_bytes)
    download_size: int  # bytes of the shard files


@dataclass(frozen=True)
class TableLayout:
    table: str
    schema: pa.Schema
    splits: tuple[SplitLayout, ...]

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self.splits)

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(f for s in self.splits for f in s.files)

    def split_glob(self, split: str) -> str:
        """The data_files pattern of a split in the card: stale shards are deleted on upload, so a glob is
        exactly the split's files (and is what the Hub itself writes)."""
        return f"{DATA_DIR}/{self.table}/{split}-*"


# The version's copy of its input text: already public as the source dataset, and as big as the rest
# together, so it is published only when asked for (`notus publish --tables ...`).
SOURCE_TEXT_TABLES = ("prompts", "responses")


def default_tables(version: Version) -> list[str]:
    """The tables `notus publish` uploads unless told otherwise: all but the input text."""
    return [name for name in version.tables if name not in SOURCE_TEXT_TABLES]


def write_tables(
    version: Version, root: Path, max_shard_bytes: int = DEFAULT_MAX_SHARD_BYTES, tables: Sequence[str] | None = None
) -> list[TableLayout]:
    """Write every non-empty table of `version` (of `tables`, default `default_tables`) under `root/data/`
    and say what was written.

    An empty table gets no config: datasets cannot load a split without rows ("corresponds to no data"),
    and a config that fails to load is worse than one the card lists as empty. An empty `preferences`
    is refused outright: that is a broken build, not a dataset.
    """
    if max_shard_bytes <= 0:
        raise DataError(f"max shard size must be positive, got {max_shard_bytes}")
    if PRIMARY_TABLE in version.tables and version.rows(PRIMARY_TABLE) == 0:
        raise DataError(f"{version.path}: table '{PRIMARY_TABLE}' has no rows; nothing worth publishing")
    chosen = default_tables(version) if tables is None else list(tables)
    unknown = [name for name in chosen if name not in version.tables]
    if unknown:
        raise UsageError(f"{version.path}: no table '{unknown[0]}' (tables: {', '.join(version.tables)})")
    layouts = [_write_table(version, name, root, max_shard_bytes) for name in chosen if version.rows(name)]
    if not layouts:
        raise DataError(f"{version.path}: every table is empty; nothing to publish")
    return layouts


def standard_type(t: pa.DataType) -> pa.DataType:
    """`t` with large strings/binaries/lists replaced by their standard forms, recursively."""
    if pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return pa.string()
    if pa.types.is_large_binary(t) or pa.types.is_binary_view(t):
        return pa.binary()
    if pa.types.is_large_list(t) or pa.types.is_list_view(t) or pa.types.is_large_list_view(t):
        return pa.list_(standard_field(t.value_field))
    if pa.types.is_list(t):
        return pa.list_(standard_field(t.value_field))
    if pa.types.is_fixed_size_list(t):
        return pa.list_(standard_field(t.value_field), t.list_size)
    if pa.types.is_struct(t):
        return pa.struct([standard_field(t.field(i)) for i in range(t.num_fields)])
    if pa.types.is_map(t):
        return pa.map_(standard_type(t.key_type), standard_type(t.item_type))
    return t


def standard_field(f: pa.Field) -> pa.Field:
    return pa.field(f.name, standard_type(f.type), nullable=f.nullable)


def _write_table(version: Version, name: str, root: Path, max_shard_bytes: int) -> TableLayout:
    files = version.files(name)
    source_schema = pq.read_schema(files[0])
    schema = pa.schema([standard_field(f) for f in source_schema])
    split_counts = _split_counts(version, name, schema)
    rows = sum(split_counts.values())
    if rows != version.rows(name):
        raise DataError(f"table '{name}': files hold {rows} rows, manifest says {version.rows(name)}")
    on_disk = sum(f.stat().st_size for f in files)
    # Rows per shard from the table's compressed size per row: shards come out near max_shard_bytes.
    shard_rows = max(1, math.floor(max_shard_bytes * rows / on_disk)) if rows and on_disk else 1
    writers = {s: _ShardWriter(root, name, s, n, shard_rows, schema) for s, n in split_counts.items()}
    try:
        for batch in _batches(files, schema):
            if SPLIT_COLUMN in schema.names:
                for split, writer in writers.items():
                    writer.write(batch.filter(pc.equal(batch.column(SPLIT_COLUMN), split)))
            else:
                writers[DEFAULT_SPLIT].write(batch)
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    return TableLayout(name, schema, tuple(w.close() for w in writers.values()))


def _split_counts(version: Version, name: str, schema: pa.Schema) -> dict[str, int]:
    """Rows per split, splits in the Hub's usual order (train, validation, test, then by name)."""
    if SPLIT_COLUMN not in schema.names:
        return {DEFAULT_SPLIT: version.rows(name)}
    if not pa.types.is_string(schema.field(SPLIT_COLUMN).type):
        raise DataError(f"table '{name}': column '{SPLIT_COLUMN}' must be text to name splits")
    counts = dict(
        version.scan(name).group_by(SPLIT_COLUMN).agg(pl.len()).collect().iter_rows()
    )
    if None in counts:
        raise DataError(f"table '{name}': {counts[None]} rows have no '{SPLIT_COLUMN}' value")
    bad = sorted(s for s in counts if not SPLIT_NAME.match(s))
    if bad:
        raise DataError(f"table '{name}': split names must be word characters, got {bad}")
    order = {s: i for i, s in enumerate(SPLIT_ORDER)}
    return {s: counts[s] for s in sorted(counts, key=lambda s: (order.get(s, len(order)), s))}


def _batches(files: list[Path], schema: pa.Schema) -> Iterator[pa.Table]:
    for f in files:
        for batch in pq.ParquetFile(f).iter_batches(batch_size=BATCH_ROWS):
            yield pa.Table.from_batches([batch]).cast(schema)


class _ShardWriter:
    """Writes one split's rows into ceil(rows / shard_rows) numbered shards, opening each on demand.

    Filtered batches are small (the test split gets a tenth of each batch), so rows are buffered up to
    ROW_GROUP_ROWS before being written: one Parquet row group per write would make readers slow.
    """

    def __init__(self, root: Path, table: str, split: str, rows: int, shard_rows: int, schema: pa.Schema) -> None:
        self.root, self.table, self.split, self.schema = root, table, split, schema
        self.expected, self.shard_rows = rows, shard_rows
        self.n_shards = max(1, math.ceil(rows / shard_rows))
        self.written = 0
        self.num_bytes = 0
        self.paths: list[str] = []
        self._writer: pq.ParquetWriter | None = None
        self._in_shard = 0  # rows given to the open shard, buffered ones included
        self._buffer: list[pa.Table] = []
        self._buffered = 0

    def _open_next(self) -> None:
        if self._writer is not None:
            self._writer.close()
        rel = f"{DATA_DIR}/{self.table}/{self.split}-{len(self.paths):05d}-of-{self.n_shards:05d}.parquet"
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(path, self.schema, compression="zstd")
        self.paths.append(rel)
        self._in_shard = 0

    def _flush(self) -> None:
        if self._buffer and self._writer is not None:
            table = pa.concat_tables(self._buffer)
            self._writer.write_table(table)
            self.num_bytes += table.nbytes
        self._buffer, self._buffered = [], 0

    def write(self, part: pa.Table) -> None:
        offset = 0
        while offset < part.num_rows:
            if self._writer is None or self._in_shard >= self.shard_rows:
                self._flush()
                self._open_next()
            take = min(part.num_rows - offset, self.shard_rows - self._in_shard)
            self._buffer.append(part.slice(offset, take))
            self._buffered += take
            self._in_shard += take
            self.written += take
            offset += take
            if self._buffered >= ROW_GROUP_ROWS:
                self._flush()

    def abort(self) -> None:
        """Release the open file after a failure; the caller discards the whole folder."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def close(self) -> SplitLayout:
        self._flush()
        if self._writer is not None:
            self._writer.close()
        if self.written != self.expected or len(self.paths) != self.n_shards:
            raise DataError(
                f"table '{self.table}' split '{self.split}': wrote {self.written} rows in {len(self.paths)} "
                f"shards, expected {self.expected} in {self.n_shards}"
            )
        size = sum((self.root / p).stat().st_size for p in self.paths)
        return SplitLayout(self.split, self.written, tuple(self.paths), self.num_bytes, size)
