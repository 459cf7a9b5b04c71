"""notus sample: determinism, the record schema and its quirks, the source mix, and that every truth row
points at a record that really carries what it claims (and that nothing of a kind is left unlisted)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from notus.cli.main import main as cli_main
from notus.sample import critiques as crit
from notus.sample.generate import write_sample
from notus.sample.plan import SOURCE_COUNTS
from notus.sample.words import MODELS

N = 3000
RATINGS = {"1", "2", "3", "4", "5", "N/A"}


def _prefixes(templates: tuple[str, ...]) -> tuple[str, ...]:
    """The fixed text of each template up to its first slot: what every filled copy starts with."""
    return tuple(t.split("{", 1)[0] for t in templates)


DAMNING = _prefixes(crit.DAMNING_OPENERS)
POSITIVE = _prefixes(crit.POSITIVE_OPENERS)
TRICKY = _prefixes(crit.TRICKY_SENTENCES + crit.TRICKY_FALSE_PREMISE)


def _aspect(value: Any) -> dict[str, Any]:
    return value[0] if isinstance(value, list) else value


def _ratings(completion: dict[str, Any]) -> list[str]:
    return [_aspect(v)["Rating"] for v in completion["annotations"].values()]


def _mean(completion: dict[str, Any]) -> float | None:
    values = [int(r) for r in _ratings(completion) if r != "N/A"]
    return sum(values) / len(values) if values else None


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], list[bytes], pl.DataFrame]:
    out = tmp_path_factory.mktemp("sample")
    result = write_sample(out, N, seed=11)
    lines = result.record_files[0].read_bytes().splitlines()
    return [json.loads(line) for line in lines], lines, pl.read_parquet(result.truth)


def _rows(truth: pl.DataFrame, kind: str) -> list[dict[str, Any]]:
    return truth.filter(pl.col("kind") == kind).to_dicts()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    write_sample(tmp_path / "a", 300, seed=5)
    write_sample(tmp_path / "b", 300, seed=5)
    write_sample(tmp_path / "c", 300, seed=6)
    a, b, c = (_files(tmp_path / x) for x in "abc")
    assert a == b
    assert a["ultrafeedback/part-00000.jsonl"] != c["ultrafeedback/part-00000.jsonl"]
    assert a["truth.parquet"] != c["truth.parquet"]


def test_shards_only_move_file_boundaries(tmp_path: Path) -> None:
    one = write_sample(tmp_path / "one", 250, seed=3)
    three = write_sample(tmp_path / "three", 250, seed=3, shards=3)
    assert [p.name for p in three.record_files] == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    joined = b"".join(p.read_bytes() for p in three.record_files)
    assert joined == one.record_files[0].read_bytes()
    assert (tmp_path / "one" / "truth.parquet").read_bytes() == (tmp_path / "three" / "truth.parquet").read_bytes()


def test_a_rerun_with_fewer_shards_leaves_no_stale_files(tmp_path: Path) -> None:
    write_sample(tmp_path, 50, seed=1, shards=4)
    write_sample(tmp_path, 50, seed=1, shards=2)
    assert sorted(p.name for p in (tmp_path / "ultrafeedback").iterdir()) == ["part-00000.jsonl", "part-00001.jsonl"]


@pytest.mark.slow
def test_worker_processes_write_the_same_bytes(tmp_path: Path) -> None:
    write_sample(tmp_path / "serial", 2100, seed=8, jobs=1)
    write_sample(tmp_path / "parallel", 2100, seed=8, jobs=2)
    assert _files(tmp_path / "serial") == _files(tmp_path / "parallel")


def test_record_schema_and_every_quirk_is_present(sample: tuple[list[dict], list[bytes], pl.DataFrame]) -> None:
    records, _, _ = sample
    seen: Counter[str] = Counter()
    for record in records:
        assert list(record) == ["source", "instruction", "models", "completions", "correct_answers",
                                "incorrect_answers"]
        assert isinstance(record["instruction"], str) and record["instruction"]
        assert len(record["models"]) == 4 and set(record["models"]) <= set(MODELS)
        assert all(isinstance(a, str) for a in record["correct_answers"] + record["incorrect_answers"])
        seen[f"completions={len(record['completions'])}"] += 1
        if any(ord(ch) > 127 for ch in record["instruction"]):
            seen["non_ascii_prompt"] += 1
        for completion in record["completions"]:
            assert completion["model"] in record["models"]
            assert isinstance(completion["response"], str) and isinstance(completion["critique"], str)
            assert isinstance(completion["overall_score"], float) and 2.0 <= completion["overall_score"] <= 10.0
            annotations = completion["annotations"]
            assert list(annotations) == ["instruction_following", "honesty", "truthfulness", "helpfulness"]
            seen["list_shape" if isinstance(annotations["honesty"], list) else "struct_shape"] += 1
            for name, value in annotations.items():
                if isinstance(value, list):
                    assert len(value) == 1
                aspect = _aspect(value)
                assert aspect["Rating"] in RATINGS and isinstance(aspect["Rationale"], str)
                if aspect["Rating"] == "N/A":
                    seen[f"na:{name}"] += 1
                if name in ("truthfulness", "helpfulness"):
                    assert set(aspect) == {"Type", "Rationale", "Rating", "Rationale For Rating"}
                    kind = aspect["Type"]
                    assert kind == "None" or (isinstance(kind, list) and all(isinstance(t, str) for t in kind))
                    seen["type_none" if kind == "None" else "type_list"] += 1
                else:
                    assert set(aspect) == {"Rating", "Rationale"}
            if "fine-grained_score" in completion:
                expected = _mean(completion)
                assert completion["fine-grained_score"] == pytest.approx(expected) if expected is not None \
                    else completion["fine-grained_score"] is None
            else:
                seen["missing_fine_grained"] += 1
            if any(ord(ch) > 127 for ch in completion["response"]):
                seen["non_ascii_response"] += 1
            seen[f"score={completion['overall_score']}"] += 1
    for quirk in ("completions=0", "completions=1", "completions=2", "completions=3", "list_shape", "struct_shape",
                  "na:honesty", "na:instruction_following", "type_none", "type_list", "missing_fine_grained",
                  "non_ascii_prompt", "non_ascii_response", "score=6.5", "score=7.0", "score=10.0"):
        assert seen[quirk] > 0, quirk
    assert 0.003 < sum(seen[f"completions={k}"] for k in range(4)) / N < 0.015
    assert seen["list_shape"] < seen["struct_shape"] / 10  # a minority, as in the real data
    assert len({c["model"] for r in records for c in r["completions"]}) == 17


def test_source_mix_matches_the_real_release(sample: tuple[list[dict], list[bytes], pl.DataFrame]) -> None:
    records, _, _ = sample
    counts = Counter(r["source"] for r in records)
    total = sum(SOURCE_COUNTS.values())
    for source, real in SOURCE_COUNTS.items():
        assert counts[source] / N == pytest.approx(real / total, abs=0.01), source


def test_mean_ratings_tie_often_and_scores_follow_the_ratings(
        sample: tuple[list[dict], list[bytes], pl.DataFrame]) -> None:
    records, _, truth = sample
    defects = {(r["record_id"], r["completion_index"]) for r in _rows(truth, "score_defect")}
    top_ties = all_equal = rated = 0
    pairs = []
    for rid, record in enumerate(records):
        means = [m for m in map(_mean, record["completions"]) if m is not None]
        if len(means) >= 2:
            rated += 1
            top_ties += means.count(max(means)) > 1
            all_equal += len(set(means)) == 1
        pairs += [(_mean(c), c["overall_score"]) for i, c in enumerate(record["completions"])
                  if (rid, i) not in defects and _mean(c) is not None]
    assert 0.05 < top_ties / rated < 0.5 and 0 < all_equal < top_ties
    low = [score for mean, score in pairs if mean <= 2]
    high = [score for mean, score in pairs if mean >= 4.5]
    assert sum(low) / len(low) + 3 < sum(high) / len(high)


def test_score_defects_are_tens_with_damning_critiques(sample: tuple[list[dict], list[bytes], pl.DataFrame]) -> None:
    records, _, truth = sample
    rows = _rows(truth, "score_defect")
    completions = sum(len(r["completions"]) for r in records)
    assert 0.005 < len(rows) / completions < 0.013
    variants = Counter(r["detail"] for r in rows)
    assert set(variants) == {"low_ratings", "na_ratings", "disagreeing_ratings"}
    assert variants["low_ratings"] > variants["disagreeing_ratings"] > 0
    for row in rows:
        completion = records[row["record_id"]]["completions"][row["completion_index"]]
        assert completion["overall_score"] == 10.0 and row["true_overall_score"] == 1.0
        assert completion["critique"].startswith(DAMNING)
        mean = _mean(completion)
        if row["detail"] == "low_ratings":
            assert mean is not None and mean <= 2
        elif row["detail"] == "na_ratings":
            assert set(_ratings(completion)) == {"N/A"} and mean is None
        else:
            assert mean is not None and mean > 2
    # ... and no completion outside the truth table has a 10 with a damning critique
    listed = {(r["record_id"], r["completion_index"]) for r in rows}
    for rid, record in enumerate(records):
        for i, completion in enumerate(record["completions"]):
            if completion["overall_score"] == 10.0 and completion["critique"].startswith(DAMNING):
                assert (rid, i) in listed


def test_controls_are_what_they_claim(sample: tuple[list[dict], list[bytes], pl.DataFrame]) -> None:
    records, _, truth = sample

    def completion(row: dict[str, Any]) -> dict[str, Any]:
        return records[row["record_id"]]["completions"][row["completion_index"]]

    good, tricky, low = (_rows(truth, k) for k in ("good_top_score", "tricky_positive", "low_score_negative"))
    assert good and tricky and low
    assert any(completion(r)["overall_score"] == 10.0 for r in good)  # genuine tens exist beside the defect
    for row in good:
        c = completion(row)
        assert c["overall_score"] >= 9 and c["critique"].startswith(POSITIVE) and not any(t in c["critique"]
                                                                                        for t in TRICKY)
        assert row["true_overall_score"] == c["overall_score"]
    for row in tricky:
        c = completion(row)
        assert c["overall_score"] >= 9 and any(t in c["critique"] for t in TRICKY)
    for row in low:
        c = completion(row)
        assert c["overall_score"] <= 3 and c["critique"].startswith(DAMNING)


def test_duplicates_are_exact_and_complete(sample: tuple[list[dict], list[bytes], pl.DataFrame]) -> None:
    records, lines, truth = sample
    prompt_rows = {r["record_id"]: int(r["detail"].removeprefix("of:")) for r in _rows(truth, "duplicate_prompt")}
    record_rows = {r["record_id"]: int(r["detail"].removeprefix("of:")) for r in _rows(truth, "duplicate_record")}
    first: dict[str, int] = {}
    for rid, record in enumerate(records):
        origin = first.setdefault(record["instruction"], rid)
        assert prompt_rows.get(rid) == (origin if origin != rid else None)
    assert 0.01 < len(prompt_rows) / N < 0.08
    assert 0 < len(record_rows) < len(prompt_rows)
    for rid, origin in record_rows.items():
        assert lines[rid] == lines[origin] and prompt_rows[rid] == origin
        copied = truth.filter(pl.col("record_id") == rid, pl.col("completion_index").is_not_null())
        original = truth.filter(pl.col("record_id") == origin, pl.col("completion_index").is_not_null())
        assert copied.drop("record_id").equals(original.drop("record_id"))


def test_few_completions_are_all_listed(sample: tuple[list[dict], list[bytes], pl.DataFrame]) -> None:
    records, _, truth = sample
    listed = {r["record_id"]: int(r["detail"]) for r in _rows(truth, "few_completions")}
    assert listed == {rid: len(r["completions"]) for rid, r in enumerate(records) if len(r["completions"]) < 4}


def test_truth_table_columns_and_order(sample: tuple[list[dict], list[bytes], pl.DataFrame]) -> None:
    _, _, truth = sample
    assert truth.schema == pl.Schema({
        "record_id": pl.Int64, "completion_index": pl.Int32, "kind": pl.String, "detail": pl.String,
        "true_overall_score": pl.Float64, "item": pl.String, "origin": pl.String,
    })
    assert truth["record_id"].is_sorted()
    assert truth["record_id"].max() < N
    assert set(truth["kind"]) == {"score_defect", "good_top_score", "tricky_positive", "low_score_negative",
                                  "few_completions", "duplicate_prompt", "duplicate_record", "contamination",
                                  "contamination_control"}
    record_level = truth.filter(pl.col("kind").is_in(["few_completions", "duplicate_prompt", "duplicate_record",
                                                       "contamination", "contamination_control"]))
    assert record_level["completion_index"].null_count() == record_level.height


def test_json_and_parquet_formats_hold_the_same_records(tmp_path: Path) -> None:
    jsonl = write_sample(tmp_path / "l", 400, seed=2)
    array = write_sample(tmp_path / "a", 400, seed=2, fmt="json", shards=2)
    parquet = write_sample(tmp_path / "p", 400, seed=2, fmt="parquet", shards=2)
    records = [json.loads(line) for line in jsonl.record_files[0].read_text(encoding="utf-8").splitlines()]
    assert [r for p in array.record_files for r in json.loads(p.read_text(encoding="utf-8"))] == records
    table = pl.concat([pl.read_parquet(p) for p in parquet.record_files])
    assert table.columns == ["source", "instruction", "models", "completions", "correct_answers",
                             "incorrect_answers"]
    assert table["instruction"].to_list() == [r["instruction"] for r in records]
    rows = table.to_dicts()
    for record, row in zip(records, rows, strict=True):
        for completion, stored in zip(record["completions"], row["completions"], strict=True):
            assert stored["overall_score"] == completion["overall_score"]
            assert stored["fine-grained_score"] == completion.get("fine-grained_score")
            truthfulness = _aspect(completion["annotations"]["truthfulness"])
            expected_type = truthfulness["Type"] if isinstance(truthfulness["Type"], list) else []
            assert stored["annotations"]["truthfulness"]["Type"] == expected_type
            assert stored["annotations"]["honesty"]["Rating"] == _aspect(completion["annotations"]["honesty"])["Rating"]
    assert (tmp_path / "l" / "truth.parquet").read_bytes() == (tmp_path / "p" / "truth.parquet").read_bytes()


def test_cli_prints_the_paths_and_ends_with_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s"
    assert cli_main(["sample", "--prompts", "40", "--seed", "4", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[-1] == str(out)
    assert str(out / "ultrafeedback" / "part-00000.jsonl") in printed and str(out / "truth.parquet") in printed
    summary = json.loads((out / "sample.json").read_text())
    assert summary["prompts"] == 40 and summary["synthetic"] is True


@pytest.mark.parametrize("args, message", [
    (["--prompts", "0"], "--prompts"),
    (["--prompts", "3", "--shards", "4"], "--shards"),
    (["--seed", "-1"], "--seed"),
    (["--contamination-rate", "0.5"], "--contamination-rate"),
    (["--benchmarks", "/nonexistent/benchmarks"], "not a folder"),
])
def test_cli_refuses_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                   message: str) -> None:
    assert cli_main(["sample", "--out", str(tmp_path / "s"), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
