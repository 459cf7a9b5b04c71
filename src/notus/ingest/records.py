"""Raw input files as one ordered stream of record texts, each with its file and position.

WHY a stream of texts and not a JSON reader's table: a JSON reader stops (or silently skips) at the first
bad line and forgets line numbers, yet ingest must give every record a place — parsed, or quarantined with
the file and line that hold it. So this module only cuts files into records, numbers them and catches
what can only be seen in the bytes (invalid UTF-8, a record over the size limit); parsing and validation
happen afterwards, once per record, in DuckDB, by the dataset's own ingest (e.g. `notus.ultrafeedback.ingest.parse`).

Formats, by file name:
- `.parquet`: a Hub layout (e.g. UltraFeedback's `instruction`, `completions` list<struct>). Rows are re-encoded as JSON
  by DuckDB (`to_json`, which keeps NaN and Infinity), so one parser and one set of rules see every format.
- `.json` / `.json.gz`: a top-level array (the first non-blank byte is `[`), else one record per line.
- `.csv`: refused (not a record format).
- anything else (`.jsonl`, `.ndjson`, `.jsonl.gz`, ...): one JSON record per line.
Positions (`line`): the 1-based line of a text file, the 1-based row of a Parquet file, the 1-based element
of a JSON array. Blank lines (only spaces, tabs, CRs) are not records and get no record_id.

Lines are cut with numpy on large binary chunks and handed to DuckDB as zero-copy Arrow string arrays, so
Python never touches a record one by one (a record that starts with whitespace is the one exception: it
is checked alone for being blank, and such lines are rare).
"""

from __future__ import annotations

import gzip
import itertools
import mmap
import os
import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from notus.core.errors import DataError, NotusError, first_line

RAW_SCHEMA = pa.schema([
    pa.field("record_id", pa.int64(), nullable=False),
    pa.field("file_idx", pa.int32(), nullable=False),
    pa.field("line", pa.int64(), nullable=False),
    pa.field("nbytes", pa.int64(), nullable=False),
    pa.field("reason", pa.string()),  # set when the bytes alone condemn the record (encoding, too_large)
    pa.field("detail", pa.string()),
    pa.field("text", pa.large_string()),  # the record's JSON text; NULL when `reason` is set
])

CHUNK_BYTES = 32 << 20  # text per batch: DuckDB's expressions run per vector, so batches must hold many records
SNIFF_BYTES = 8192  # like git: a NUL byte in the first 8 KiB means binary, not text
ROWS_PER_BATCH = 2048  # Parquet / JSON-array rows per batch
_NL, _CR, _SPACE, _TAB = 10, 13, 32, 9
_POPULATE = getattr(mmap, "MAP_POPULATE", 0)  # Linux: map the window's pages at once, not one fault each


@dataclass(frozen=True)
class RecordFile:
    """One input file and how to cut it into records."""

    path: Path
    name: str  # how outputs name it: relative to the folder that holds all the input files
    kind: str  # "lines" | "array" | "parquet"


def plan_files(
    paths: Sequence[str | os.PathLike[str]], required_columns: Sequence[str] = (), what: str = "records"
) -> list[RecordFile]:
    """Decide the format of every file before anything is read, so that an unreadable file or a Parquet
    file without `required_columns` stops the run at once, with its name, instead of halfway through.
    `what` names the expected records in that message ("UltraFeedback records")."""
    resolved = [Path(p) for p in paths]
    names = _display_names(resolved)
    return [
        RecordFile(path=p, name=n, kind=_kind(p, n, tuple(required_columns), what))
        for p, n in zip(resolved, names, strict=True)
    ]


def _display_names(paths: list[Path]) -> list[str]:
    """Names relative to the input folder: outputs then do not depend on where the data lives."""
    if not paths:
        return []
    if len(paths) == 1:
        return [paths[0].name]
    root = Path(os.path.commonpath([str(p.parent) for p in paths]))
    return [p.relative_to(root).as_posix() for p in paths]


def _kind(path: Path, name: str, required: tuple[str, ...], what: str) -> str:
    lower = path.name.lower()
    if lower.endswith(".parquet"):
        _check_parquet(path, name, required, what)
        return "parquet"
    if lower.endswith(".csv"):
        raise DataError(f"{name}: CSV is not a record format; ingest reads JSON lines, JSON arrays or Parquet")
    head = _head(path, name)
    nul = head.find(b"\0")
    if nul >= 0:
        line = head.count(b"\n", 0, nul) + 1
        raise DataError(f"{name}: line {line}: binary data (a NUL byte), not JSON text")
    if lower.endswith((".json", ".json.gz")) and head.lstrip(b" \t\r\n\xef\xbb\xbf").startswith(b"["):
        return "array"
    return "lines"


def _head(path: Path, name: str) -> bytes:
    try:
        with _open(path) as fh:
            return fh.read(SNIFF_BYTES)
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"{name}: cannot be read: {first_line(exc)}") from None


def _check_parquet(path: Path, name: str, required: tuple[str, ...], what: str) -> None:
    try:
        columns = pq.read_schema(path).names
    except (OSError, pa.ArrowException) as exc:
        raise DataError(f"{name}: not a readable Parquet file: {first_line(exc)}") from None
    missing = [c for c in required if c not in columns]
    if missing:
        raise DataError(f"{name}: not {what}: no '{missing[0]}' column (columns: {', '.join(columns)})")


def _open(path: Path) -> BinaryIO:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


class RecordStream:
    """Every record of `files`, in order, as Arrow batches of RAW_SCHEMA with consecutive record_ids.

    Consumed by DuckDB through `reader()`. An error while reading is kept in `error` (DuckDB only sees
    that the stream broke), so the caller can raise the one-line DataError that names the file."""

    def __init__(self, files: Sequence[RecordFile], max_record_bytes: int, chunk_bytes: int = CHUNK_BYTES):
        self.files = list(files)
        self.max_record_bytes = max_record_bytes
        self.chunk_bytes = max(chunk_bytes, 1)
        self.records = 0
        self.error: NotusError | None = None

    def reader(self) -> pa.RecordBatchReader:
        return pa.RecordBatchReader.from_batches(RAW_SCHEMA, self._batches())

    def slabs(self, slab_bytes: int) -> Iterator[pa.RecordBatchReader]:
        """The same records as consecutive readers of about `slab_bytes` of text each (whole batches),
        so that a consumer can work on a bounded part of the input at a time. Each reader must be read
        to its end before the next one is asked for."""
        batches = self._batches()
        ahead: list[pa.RecordBatch] = []  # the first batch of the next slab, once read

        def slab() -> Iterator[pa.RecordBatch]:
            size = 0
            while ahead and size < slab_bytes:
                batch = ahead.pop()
                size += pc.sum(batch.column("nbytes")).as_py() or 0
                yield batch
                ahead.extend(itertools.islice(batches, 1))

        ahead.extend(itertools.islice(batches, 1))
        while ahead:
            yield pa.RecordBatchReader.from_batches(RAW_SCHEMA, slab())

    def _batches(self) -> Iterator[pa.RecordBatch]:
        for idx, f in enumerate(self.files):
            try:
                if f.kind == "lines":
                    yield from self._line_batches(f, idx)
                else:
                    yield from self._duckdb_batches(f, idx)
            except NotusError as exc:
                self.error = exc
                raise
            except (OSError, EOFError, zlib.error, duckdb.Error, pa.ArrowException) as exc:
                self.error = DataError(f"{f.name}: cannot be read: {first_line(exc)}")
                raise self.error from None

    # -- JSON lines ------------------------------------------------------------------------------------

    def _line_batches(self, f: RecordFile, file_idx: int) -> Iterator[pa.RecordBatch]:
        if f.path.name.lower().endswith(".gz"):
            return self._read_line_batches(f, file_idx)
        return self._mapped_line_batches(f, file_idx)

    def _mapped_line_batches(self, f: RecordFile, file_idx: int) -> Iterator[pa.RecordBatch]:
        """Cut a plain text file at '\\n' through memory-mapped windows of whole lines: the records are
        never copied (Arrow points into the page cache), and each batch holds thousands of records,
        which DuckDB needs to run its expressions on full vectors. A line longer than max_record_bytes
        is skipped to its end, never held, and quarantined as too large."""
        limit = self.max_record_bytes
        lines_done = 0
        with open(f.path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            pos = 0  # where the next line starts
            window = self.chunk_bytes
            while pos < size:
                base = pos - pos % mmap.ALLOCATIONGRANULARITY
                length = min(pos + window, size) - base
                mapped = mmap.mmap(fh.fileno(), length, offset=base, flags=mmap.MAP_SHARED | _POPULATE,
                                   prot=mmap.PROT_READ)
                start, end = pos - base, length
                if base + length < size:
                    end = mapped.rfind(b"\n", start) + 1
                    if end == 0:  # no end of line in the window
                        if length - start > limit:
                            stop = _next_newline(fh, base + length, size)
                            lines_done += 1
                            yield self._single(file_idx, lines_done, stop - pos, "invalid:too_large",
                                               f"record is {stop - pos} bytes, over max_record_bytes={limit}")
                            pos = stop + 1
                        else:
                            window *= 2
                        continue
                batch, n_lines = self._lines_batch(memoryview(mapped)[start:end], file_idx, lines_done)
                lines_done += n_lines
                if batch is not None:
                    yield batch
                pos = base + end
                window = self.chunk_bytes

    def _read_line_batches(self, f: RecordFile, file_idx: int) -> Iterator[pa.RecordBatch]:
        """The same cut for a compressed file, which cannot be mapped: read in chunks, and copy only the
        line that straddles two chunks."""
        limit = self.max_record_bytes
        lines_done = 0  # lines of this file already emitted (or passed over as blank)
        carry = b""  # the start of a line whose end is in a later chunk
        oversize = -1  # >= 0 while skipping a line too long to keep: its bytes so far
        with _open(f.path) as fh:
            while True:
                block = fh.read(self.chunk_bytes)
                if oversize >= 0:
                    cut = block.find(b"\n")
                    if cut < 0 and block:
                        oversize += len(block)
                        continue
                    oversize += max(cut, 0)
                    lines_done += 1
                    yield self._single(file_idx, lines_done, oversize, "invalid:too_large",
                                       f"record is {oversize} bytes, over max_record_bytes={limit}")
                    oversize = -1
                    if cut < 0:  # the file ended inside the long line
                        return
                    block = block[cut + 1:]
                    if not block:  # the line ended with the chunk; the file goes on
                        continue
                if not block:  # end of file: what is left is a last line without a newline
                    bodies = [carry] if carry else []
                    carry = b""
                else:
                    first = block.find(b"\n")
                    if first < 0:
                        carry += block
                        if len(carry) > limit:
                            oversize, carry = len(carry), b""
                        continue
                    last = block.rfind(b"\n") + 1
                    start = first + 1 if carry else 0
                    bodies = [carry + block[:start]] if carry else []
                    if last > start:
                        bodies.append(memoryview(block)[start:last])
                    carry = block[last:]
                for body in bodies:
                    batch, n_lines = self._lines_batch(body, file_idx, lines_done)
                    lines_done += n_lines
                    if batch is not None:
                        yield batch
                if not block:
                    return

    def _lines_batch(
        self, body: bytes | memoryview, file_idx: int, lines_before: int
    ) -> tuple[pa.RecordBatch | None, int]:
        """One chunk of whole lines -> a batch of its non-blank lines (zero-copy), and its line count."""
        arr = np.frombuffer(body, dtype=np.uint8)
        size = len(arr)
        ends = np.flatnonzero(arr == _NL)
        if arr[-1] != _NL:  # the last line of a file without a final newline
            ends = np.append(ends, size)
        starts = np.empty_like(ends)
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
        lengths = ends - starts
        first = arr[np.minimum(starts, size - 1)]
        blank = (lengths == 0) | ((lengths == 1) & (first == _CR))
        for i in np.flatnonzero(~blank & ((first == _SPACE) | (first == _TAB) | (first == _CR))):
            blank[i] = not bytes(body[starts[i]:ends[i]]).strip(b" \t\r")
        kept = np.flatnonzero(~blank)
        n = len(kept)
        if n == 0:
            return None, len(ends)
        k_starts, k_len = starts[kept], lengths[kept]
        # Each record's value runs to the next record's start: the newline and any blank lines after it
        # ride along as trailing JSON whitespace, which keeps the array zero-copy.
        offsets = np.empty(n + 1, dtype=np.int64)
        offsets[:n] = k_starts
        offsets[n] = size
        flags = _Flags(n)
        for i in np.flatnonzero(k_len > self.max_record_bytes):
            flags.set(i, "invalid:too_large",
                      f"record is {int(k_len[i])} bytes, over max_record_bytes={self.max_record_bytes}")
        data = pa.py_buffer(body)
        text = _strings(data, offsets, flags.ok)
        try:
            text.validate(full=True)
        except pa.ArrowInvalid:  # some line is not UTF-8: find which, in this chunk only
            for i in np.flatnonzero(flags.ok):
                try:
                    bytes(body[k_starts[i]:k_starts[i] + k_len[i]]).decode("utf-8")
                except UnicodeDecodeError as exc:
                    flags.set(i, "invalid:encoding", f"invalid UTF-8 at byte {exc.start} of the line")
            text = _strings(data, offsets, flags.ok)
        batch = self._batch(file_idx, kept + (lines_before + 1), k_len, flags, text)
        return batch, len(ends)

    def _single(self, file_idx: int, line: int, nbytes: int, reason: str, detail: str) -> pa.RecordBatch:
        flags = _Flags(1)
        flags.set(0, reason, detail)
        return self._batch(file_idx, np.array([line]), np.array([nbytes]), flags, pa.nulls(1, pa.large_string()))

    # -- Parquet and JSON arrays, read by DuckDB ---------------------------------------------------------

    def _duckdb_batches(self, f: RecordFile, file_idx: int) -> Iterator[pa.RecordBatch]:
        """Rows of a Parquet file or elements of a JSON array, as JSON texts, in file order."""
        con = duckdb.connect(config={"preserve_insertion_order": True})
        try:
            if f.kind == "parquet":
                query = "SELECT to_json(t) AS text FROM read_parquet(?) AS t"
                params: list[object] = [str(f.path)]
            else:
                query = "SELECT json AS text FROM read_json_objects(?, format = 'array', maximum_object_size = ?)"
                params = [str(f.path), max(2 * self.max_record_bytes, 1 << 26)]
            done = 0
            for raw in con.sql(query, params=params).to_arrow_reader(ROWS_PER_BATCH):
                text = raw.column(0).cast(pa.large_string())
                n = len(text)
                nbytes = np.asarray(pc.binary_length(text).fill_null(0), dtype=np.int64)
                flags = _Flags(n)
                for i in np.flatnonzero(nbytes > self.max_record_bytes):
                    flags.set(i, "invalid:too_large",
                              f"record is {int(nbytes[i])} bytes, over max_record_bytes={self.max_record_bytes}")
                if not flags.ok.all():
                    text = pc.if_else(pa.array(flags.ok), text, pa.nulls(n, pa.large_string()))
                yield self._batch(file_idx, np.arange(done + 1, done + n + 1), nbytes, flags, text)
                done += n
        except (duckdb.Error, pa.ArrowException, OSError) as exc:  # pyarrow reports DuckDB's errors as OSError
            what = "not a readable Parquet file" if f.kind == "parquet" else "not a readable JSON array"
            reason = re.sub(r' in file "[^"]*"', "", first_line(exc))  # the name is said once, relative
            raise DataError(f"{f.name}: {what}: {reason}") from None
        finally:
            con.close()

    def _batch(
        self, file_idx: int, lines: np.ndarray, nbytes: np.ndarray, flags: _Flags, text: pa.Array
    ) -> pa.RecordBatch:
        n = len(lines)
        ids = np.arange(self.records, self.records + n, dtype=np.int64)
        self.records += n
        return pa.record_batch([
            pa.array(ids),
            pa.array(np.full(n, file_idx, dtype=np.int32)),
            pa.array(np.asarray(lines, dtype=np.int64)),
            pa.array(np.asarray(nbytes, dtype=np.int64)),
            *flags.columns(),
            text,
        ], schema=RAW_SCHEMA)


class _Flags:
    """Records condemned by their bytes alone, and why. Sparse: almost every record has none."""

    def __init__(self, n: int) -> None:
        self.ok = np.ones(n, dtype=bool)
        self.found: dict[int, tuple[str, str]] = {}

    def set(self, i: int, reason: str, detail: str) -> None:
        self.ok[i] = False
        self.found[int(i)] = (reason, detail)

    def columns(self) -> tuple[pa.Array, pa.Array]:
        n = len(self.ok)
        if not self.found:
            return pa.nulls(n, pa.string()), pa.nulls(n, pa.string())
        reasons: list[str | None] = [None] * n
        details: list[str | None] = [None] * n
        for i, (reason, detail) in self.found.items():
            reasons[i], details[i] = reason, detail
        return pa.array(reasons, pa.string()), pa.array(details, pa.string())


def _strings(data: pa.Buffer, offsets: np.ndarray, ok: np.ndarray) -> pa.Array:
    """A large_string array over `data` without copying it; records not `ok` are NULL."""
    n = len(offsets) - 1
    nulls = n - int(np.count_nonzero(ok))
    bitmap = pa.py_buffer(np.packbits(ok, bitorder="little")) if nulls else None
    return pa.Array.from_buffers(pa.large_string(), n, [bitmap, pa.py_buffer(offsets), data], null_count=nulls)


def _next_newline(fh: BinaryIO, pos: int, size: int) -> int:
    """Offset of the first '\\n' at or after `pos`, or `size`: how a too-long line is skipped."""
    fh.seek(pos)
    while block := fh.read(1 << 20):
        cut = block.find(b"\n")
        if cut >= 0:
            return pos + cut
        pos += len(block)
    return size
