"""Bad input (issue 8.1): every malformed record is quarantined in `invalid` with its reason, file and
line, or accepted when the rules say it is fine; a file that cannot be read at all stops ingest with a
one-line DataError naming it. Nothing is lost: every record ends in exactly one of prompts / invalid."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from notus.core.errors import DataError
from tests.ultrafeedback.ingest.bad_inputs.corpus import CASES, VALID, Case
from tests.ultrafeedback.ingest.bad_inputs.harness import INGEST_ONLY_SPEC, accounted, run_ingest
from tests.ultrafeedback.ingest.bad_inputs.records import dumps, record, write_jsonl, write_parquet


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    """All cases in one file, each between two valid records: case k is record 2k+1, on line 2k+2."""
    folder = tmp_path_factory.mktemp("corpus")
    lines: list[bytes] = [VALID]
    for case in CASES:
        lines += [case.line, VALID]
    write_jsonl(folder / "input" / "records.jsonl", lines)
    tables = run_ingest(folder / "input", folder / "out")
    accounted(tables, len(lines))
    return tables


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_bad_record_gets_its_outcome(corpus_run: dict[str, pl.DataFrame], case: Case) -> None:
    record_id = 2 * CASES.index(case) + 1
    line = record_id + 1
    invalid = corpus_run["invalid"].filter(pl.col("record_id") == record_id)
    prompts = corpus_run["prompts"].filter(pl.col("record_id") == record_id)
    if case.reason is None:
        assert invalid.is_empty(), invalid.to_dicts()
        assert prompts.height == 1 and prompts["line"][0] == line
    else:
        assert prompts.is_empty()
        assert invalid["reason"].to_list() == [case.reason], invalid.to_dicts()
        detail = invalid["detail"][0]
        assert detail.startswith(f"records.jsonl line {line}: "), detail
        assert case.detail_has.lower() in detail.lower(), detail
    # its neighbours are untouched
    for neighbour in (record_id - 1, record_id + 1):
        assert corpus_run["prompts"].filter(pl.col("record_id") == neighbour).height == 1


def test_valid_cases_keep_their_values(corpus_run: dict[str, pl.DataFrame]) -> None:
    ratings, responses = corpus_run["ratings"], corpus_run["responses"]

    def rid(name: str) -> int:
        return 2 * next(i for i, c in enumerate(CASES) if c.name == name) + 1

    def rating(name: str, completion: int = 1, aspect: str = "honesty") -> tuple[int | None, str | None]:
        row = ratings.filter((pl.col("record_id") == rid(name)) & (pl.col("completion_index") == completion)
                             & (pl.col("aspect") == aspect))
        return row["rating"][0], row["rating_raw"][0]

    assert rating("Rating N/A") == (None, "N/A")
    assert rating("Rating 3 (string)") == (3, "3")
    assert rating("Rating 3 (number)") == (3, "3")
    assert rating("Rating 3.0") == (3, "3.0")
    assert rating("Rating ' 3 '") == (3, " 3 ")
    assert rating("aspect missing", 0) == (None, None)
    assert rating("annotations missing", 0, "helpfulness") == (None, None)

    def score(name: str, column: str = "overall_score", completion: int = 2) -> float | None:
        row = responses.filter((pl.col("record_id") == rid(name)) & (pl.col("completion_index") == completion))
        return row[column][0]

    assert score("score a numeric string") == 7.5
    assert score("score null") is None
    assert score("score missing") is None
    assert score("score 10") == 10 and score("score 0") == 0
    assert score("fine-grained missing", "fine_grained_score", 1) is None
    assert score("fine-grained NaN", "fine_grained_score", 0) is None
    assert score("five completions", completion=4) == 7.5
    n = corpus_run["prompts"].filter(pl.col("record_id") == rid("no completions"))["n_completions"][0]
    assert n == 0
    assert responses.filter(pl.col("record_id") == rid("no completions")).is_empty()


def test_prompt_id_is_kept_when_the_prompt_is_readable(corpus_run: dict[str, pl.DataFrame]) -> None:
    bad = corpus_run["invalid"]
    rating7 = bad.filter(pl.col("reason") == "invalid:rating")["prompt_id"].to_list()
    assert all(p is not None and len(p) == 64 for p in rating7)
    assert bad.filter(pl.col("reason") == "invalid:json")["prompt_id"].is_null().all()


def test_a_10mb_response_is_accepted_under_a_larger_limit(tmp_path: Path) -> None:
    rec = record()
    rec["completions"][0]["response"] = "é" * (5 << 20)  # 10 MiB of UTF-8
    write_jsonl(tmp_path / "big.jsonl", [VALID, dumps(rec), VALID])
    tables = run_ingest(tmp_path / "big.jsonl", tmp_path / "out", max_record_bytes=16 << 20)
    accounted(tables, 3)
    assert tables["invalid"].is_empty()
    big = tables["responses"].filter((pl.col("record_id") == 1) & (pl.col("completion_index") == 0))
    assert big["response"][0] == "é" * (5 << 20)


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_a_line_far_over_the_limit_is_skipped_not_held(tmp_path: Path, gz: bool) -> None:
    huge = b'{"instruction": "' + b"y" * (3 << 20) + b'"}'
    lines = [VALID, huge, VALID, huge[: 1 << 20], VALID]  # the 2nd huge one has no end quote either
    path = write_jsonl(tmp_path / "huge.jsonl", lines)
    if gz:
        path = tmp_path / "huge.jsonl.gz"
        path.write_bytes(gzip.compress((tmp_path / "huge.jsonl").read_bytes()))
        (tmp_path / "huge.jsonl").unlink()
    tables = run_ingest(path, tmp_path / "out", max_record_bytes=1 << 19)
    accounted(tables, 5)
    bad = tables["invalid"].sort("record_id")
    assert bad["record_id"].to_list() == [1, 3]
    assert bad["reason"].unique().to_list() == ["invalid:too_large"]
    assert f"line 2: record is {len(huge)} bytes" in bad["detail"][0]
    assert "line 4: record is 1048576 bytes" in bad["detail"][1]


def test_duplicates_are_not_invalid_and_share_a_hash(tmp_path: Path) -> None:
    other = dumps(record("Another prompt"))
    spaced = dumps(record()).replace(", ", ",   ")  # same content, other whitespace
    write_jsonl(tmp_path / "dup.jsonl", [VALID, VALID, other, spaced])
    tables = run_ingest(tmp_path / "dup.jsonl", tmp_path / "out")
    accounted(tables, 4)
    hashes = tables["prompts"].sort("record_id")["record_hash"].to_list()
    assert hashes[0] == hashes[1] == hashes[3] != hashes[2]


def test_an_empty_file_and_blank_lines_are_zero_records(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_bytes(b"")
    (tmp_path / "in" / "b.jsonl").write_bytes(b"\n  \n\t\r\n\n")
    (tmp_path / "in" / "c.json").write_bytes(b"[]")
    write_jsonl(tmp_path / "in" / "d.jsonl", [dumps(record())])
    tables = run_ingest(tmp_path / "in", tmp_path / "out")
    accounted(tables, 1)
    assert tables["prompts"]["file"].to_list() == ["d.jsonl"] and tables["invalid"].is_empty()
    assert tables["prompts"].columns == ["record_id", "prompt_id", "source", "prompt", "conversation",
                                         "n_completions", "record_hash", "file", "line"]


def test_an_input_of_empty_files_stops_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_bytes(b"")
    (tmp_path / "in" / "c.json").write_bytes(b"[]")
    with pytest.raises(DataError, match=r"no records found \(empty input\)$"):
        run_ingest(tmp_path / "in", tmp_path / "out")


def test_an_input_with_no_valid_record_names_the_commonest_reasons(tmp_path: Path) -> None:
    """The user's case: a CSV saved under a .jsonl name used to build an empty version silently."""
    (tmp_path / "data.jsonl").write_text("prompt,chosen\nhi,hello\nbye,ciao\n")
    with pytest.raises(DataError, match=r"none of its 3 records is valid \(invalid:json 3\); is it the right"):
        run_ingest(tmp_path / "data.jsonl", tmp_path / "out")


def test_more_than_five_percent_invalid_is_a_warning_with_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [dumps(record(f"p{i}")) for i in range(18)] + ["{broken", json.dumps([1])]
    write_jsonl(tmp_path / "r.jsonl", lines)
    tables = run_ingest(tmp_path / "r.jsonl", tmp_path / "out")
    accounted(tables, 20)
    err = capsys.readouterr().err
    assert "warning: 2 of 20 input records (10.0%) are invalid (invalid:json 1, invalid:not_an_object 1)" in err
    write_jsonl(tmp_path / "ok.jsonl", [dumps(record(f"p{i}")) for i in range(20)] + ["{broken"])
    run_ingest(tmp_path / "ok.jsonl", tmp_path / "out2")
    assert "warning" not in capsys.readouterr().err  # 1 of 21 is 4.8 %


def test_json_array_elements_are_records_with_their_index(tmp_path: Path) -> None:
    text = "[" + ", ".join([dumps(record()), "5", "null", dumps(record("b"))]) + "]"
    (tmp_path / "arr.json").write_text(text)
    tables = run_ingest(tmp_path / "arr.json", tmp_path / "out")
    accounted(tables, 4)
    bad = tables["invalid"].sort("record_id")
    assert bad["reason"].to_list() == ["invalid:not_an_object", "invalid:not_an_object"]
    assert bad["detail"][0].startswith("arr.json element 2: ")


def _data_error(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DataError) as err:
        run_ingest(path, tmp_path / "out")
    message = str(err.value)
    assert "\n" not in message and name in message, message
    return message


def test_unreadable_files_raise_one_line_data_errors(tmp_path: Path) -> None:
    assert "line 2" in _data_error(tmp_path, "binary.jsonl", VALID + b"\n\x00\x01\x02garbage\n")
    assert "not a readable JSON array" in _data_error(tmp_path, "broken.json", b'[{"a": 1}, {"b": "\xff\xfe"}]')
    assert "not a readable JSON array" in _data_error(tmp_path, "truncated.json", b'[{"instruction": "a"}, {"ins')
    assert "Parquet" in _data_error(tmp_path, "garbage.parquet", b"PAR1 this is not parquet")
    assert "CSV" in _data_error(tmp_path, "table.csv", b"a,b\n1,2\n")
    assert "cannot be read" in _data_error(tmp_path, "bad.jsonl.gz", b"not gzip at all")


def test_parquet_with_the_wrong_schema_is_refused(tmp_path: Path) -> None:
    pq.write_table(pa.table({"prompt": ["a"], "completions": [[]]}), tmp_path / "wrong.parquet")
    with pytest.raises(DataError, match=r"^wrong\.parquet: not UltraFeedback records: no 'instruction' column"):
        run_ingest(tmp_path / "wrong.parquet", tmp_path / "out")


def test_parquet_rows_are_checked_like_lines(tmp_path: Path) -> None:
    recs = [record(), record("b"), record("c")]
    recs[1]["completions"][0]["overall_score"] = float("nan")
    recs[2]["completions"][3]["annotations"]["honesty"]["Rating"] = "7"
    write_parquet(tmp_path / "hub.parquet", recs)
    tables = run_ingest(tmp_path / "hub.parquet", tmp_path / "out")
    accounted(tables, 3)
    bad = tables["invalid"].sort("record_id")
    assert bad["reason"].to_list() == ["invalid:overall_score", "invalid:rating"]
    assert bad["detail"][0].startswith("hub.parquet row 2: completion 0: overall_score NaN")
    assert bad["detail"][1].startswith("hub.parquet row 3: completion 3, honesty")


def test_notus_run_reports_an_unreadable_file_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "pipelines" / "ingest.yaml").write_text(INGEST_ONLY_SPEC)
    (tmp_path / "input").mkdir()
    write_jsonl(tmp_path / "input" / "a.jsonl", [VALID])
    pq.write_table(pa.table({"text": ["x"]}), tmp_path / "input" / "b.parquet")
    done = subprocess.run(
        [sys.executable, "-m", "notus.cli.main", "run", str(tmp_path / "pipelines" / "ingest.yaml"),
         "--input", str(tmp_path / "input"), "--build-dir", str(tmp_path / "build")],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("notus: error:")]
    assert len(errors) == 1 and "b.parquet" in errors[0] and "Traceback" not in done.stderr, done.stderr
