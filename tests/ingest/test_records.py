"""Cutting files into records: every non-blank line once, in order, with its 1-based line number, the
same whether a file is read through memory-mapped windows or (gzip) in chunks, wherever the chunk
boundaries fall; bytes that condemn a record (invalid UTF-8, over the size limit) flagged on that record
alone."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notus.core.errors import DataError
from notus.ingest.records import RecordStream, plan_files


def _records(path: Path, chunk_bytes: int = 1 << 20, max_record_bytes: int = 1 << 20) -> list[dict[str, object]]:
    stream = RecordStream(plan_files([path]), max_record_bytes, chunk_bytes)
    table = pa.Table.from_batches(list(stream.reader()), schema=stream.reader().schema)
    rows = table.to_pylist()
    for row in rows:
        if row["text"] is not None:
            row["text"] = row["text"].rstrip(" \t\r\n")
    assert stream.records == len(rows)
    return rows


def _write(path: Path, data: bytes, gz: bool) -> Path:
    if gz:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


@pytest.mark.parametrize("gz", [False, True], ids=["mapped", "gzip"])
def test_lines_blank_lines_crlf_and_a_missing_final_newline(tmp_path: Path, gz: bool) -> None:
    data = b'{"a": 1}\r\n\n   \n\t{"b": 2}\n \r\n{"c": 3}'
    rows = _records(_write(tmp_path / "x.jsonl", data, gz))
    assert [(r["record_id"], r["line"], r["text"]) for r in rows] == [
        (0, 1, '{"a": 1}'), (1, 4, '\t{"b": 2}'), (2, 6, '{"c": 3}'),
    ]
    assert all(r["reason"] is None for r in rows)


lines_strategy = st.lists(
    st.one_of(
        st.text(alphabet="ab{}\": é", min_size=1, max_size=40).filter(lambda s: s.strip(" ")),
        st.sampled_from(["", " ", "\t", "\r", "  \r"]),  # blank lines
        st.text(alphabet="xyz", min_size=100, max_size=400),  # longer than the chunk
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=lines_strategy, chunk=st.integers(min_value=1, max_value=300), final_newline=st.booleans(),
       gz=st.booleans())
def test_any_chunking_gives_every_line_once(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], chunk: int, final_newline: bool, gz: bool
) -> None:
    folder = tmp_path_factory.mktemp("chunks")
    data = "\n".join(lines).encode() + (b"\n" if final_newline and lines else b"")
    rows = _records(_write(folder / "x.jsonl", data, gz), chunk_bytes=chunk)
    expected = [
        (n, line.rstrip(" \t\r")) for n, line in enumerate(data.decode().split("\n"), start=1)
        if line.strip(" \t\r")
    ]
    assert [(r["line"], r["text"]) for r in rows] == expected
    assert [r["record_id"] for r in rows] == list(range(len(expected)))


@pytest.mark.parametrize("gz", [False, True], ids=["mapped", "gzip"])
@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_too_large_records_are_flagged_with_their_size(tmp_path: Path, gz: bool, chunk: int) -> None:
    data = b"\n".join([b"1" * 10, b"2" * 101, b"3" * 100, b"4" * 1000, b"5"]) + b"\n"
    rows = _records(_write(tmp_path / "x.jsonl", data, gz), chunk_bytes=chunk, max_record_bytes=100)
    assert [(r["line"], r["reason"]) for r in rows] == [
        (1, None), (2, "invalid:too_large"), (3, None), (4, "invalid:too_large"), (5, None),
    ]
    assert rows[1]["text"] is None and rows[1]["nbytes"] == 101 and "101 bytes" in rows[1]["detail"]
    assert rows[3]["nbytes"] == 1000 and rows[2]["text"] == "3" * 100


def test_invalid_utf8_flags_only_its_line(tmp_path: Path) -> None:
    data = b'{"a": "ok"}\n{"b": "\xc3\x28"}\n{"c": "\xe2\x9c\x93"}\n'
    rows = _records(_write(tmp_path / "x.jsonl", data, False))
    assert [r["reason"] for r in rows] == [None, "invalid:encoding", None]
    assert rows[1]["detail"] == "invalid UTF-8 at byte 7 of the line"
    assert rows[2]["text"] == '{"c": "✓"}'


def test_file_kinds_and_names(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    paths = {
        "sub/array.json": b'\xef\xbb\xbf  \n [{"a": 1}]',
        "sub/lines.json": b'{"a": 1}\n{"a": 2}\n',
        "z.ndjson": b'{"a": 1}\n',
        "y.jsonl.gz": gzip.compress(b'{"a": 1}\n'),
    }
    for name, data in paths.items():
        (tmp_path / name).write_bytes(data)
    files = plan_files(sorted(str(tmp_path / n) for n in paths))
    assert [(f.name, f.kind) for f in files] == [
        ("sub/array.json", "array"), ("sub/lines.json", "lines"), ("y.jsonl.gz", "lines"), ("z.ndjson", "lines"),
    ]
    assert plan_files([tmp_path / "z.ndjson"])[0].name == "z.ndjson"


def test_a_stream_error_is_kept_for_the_caller(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_bytes(b'[{"a": 1}, {"b": ')
    stream = RecordStream(plan_files([tmp_path / "bad.json"]), 1 << 20)
    with pytest.raises(DataError):
        list(stream.reader())
    assert isinstance(stream.error, DataError)
    assert str(stream.error).startswith("bad.json: not a readable JSON array: ")
