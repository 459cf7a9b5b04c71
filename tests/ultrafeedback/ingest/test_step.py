"""Normalisation: one raw UltraFeedback record becomes one `prompts` row, a `responses` row per
completion and a `ratings` row per completion and aspect, with the values computed by hand here; the same
records give the same rows from every input format, in every file order and thread count."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

from notus.core.errors import DataError
from notus.core.runner import run_pipeline
from notus.core.version import Version
from notus.ingest.records import CHUNK_BYTES, plan_files
from notus.ultrafeedback.ingest import SLAB_BYTES, TABLES, write_tables
from tests.ultrafeedback.ingest.bad_inputs.harness import INGEST_ONLY_SPEC, accounted, run_ingest
from tests.ultrafeedback.ingest.bad_inputs.records import (
    ASPECTS,
    as_json_array,
    dumps,
    list_shaped,
    record,
    write_jsonl,
    write_parquet,
)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_one_record_by_hand(tmp_path: Path) -> None:
    rec = record("¿Qué es Cairo?", n=2, source="flan")
    rec["completions"][1]["annotations"]["honesty"]["Rating"] = "N/A"
    del rec["completions"][1]["fine-grained_score"]
    write_jsonl(tmp_path / "one.jsonl", [dumps(rec)])
    t = run_ingest(tmp_path / "one.jsonl", tmp_path / "out")

    prompt = t["prompts"].to_dicts()
    assert len(prompt) == 1 and prompt[0] | {"record_hash": None} == {
        "record_id": 0, "prompt_id": sha("¿Qué es Cairo?"), "source": "flan", "prompt": "¿Qué es Cairo?",
        "conversation": [{"role": "user", "content": "¿Qué es Cairo?"}], "n_completions": 2, "record_hash": None,
        "file": "one.jsonl", "line": 1,
    }
    assert len(prompt[0]["record_hash"]) == 16

    assert t["responses"].drop("prompt_id").to_dicts() == [
        {"record_id": 0, "completion_index": i, "model": m, "principle": "helpfulness",
         "response": f"Answer {i}: Cairo is the capital of Egypt. ✓",
         "critique": f"Critique of answer {i}: accurate and helpful.", "overall_score": 7.5,
         "fine_grained_score": f}
        for i, m, f in [(0, "gpt-4", 4.5), (1, "llama-2-13b-chat", None)]
    ]

    ratings = t["ratings"]
    assert ratings.height == 8 and ratings["prompt_id"].unique().to_list() == [sha("¿Qué es Cairo?")]
    assert ratings.filter(pl.col("completion_index") == 0).drop("record_id", "prompt_id").to_dicts() == [
        {"completion_index": 0, "aspect": "helpfulness", "rating": 4, "scale_min": 1.0, "scale_max": 5.0,
         "rating_raw": "4",
         "rationale": "Clear and relevant.", "rationale_for_rating": "Accurate and informative.",
         "types": ["1", "2"]},
        {"completion_index": 0, "aspect": "honesty", "rating": 5, "scale_min": 1.0, "scale_max": 5.0,
         "rating_raw": "5",
         "rationale": "Confident and correct.", "rationale_for_rating": None, "types": None},
        {"completion_index": 0, "aspect": "instruction_following", "rating": 4, "scale_min": 1.0, "scale_max": 5.0,
         "rating_raw": "4",
         "rationale": "Follows the instruction.", "rationale_for_rating": None, "types": None},
        {"completion_index": 0, "aspect": "truthfulness", "rating": 5, "scale_min": 1.0, "scale_max": 5.0,
         "rating_raw": "5",
         "rationale": "No hallucination.", "rationale_for_rating": "Free of hallucinations.", "types": []},
    ]
    na = ratings.filter((pl.col("completion_index") == 1) & (pl.col("aspect") == "honesty"))
    assert (na["rating"][0], na["rating_raw"][0]) == (None, "N/A")
    assert t["invalid"].is_empty()
    assert t["ranks"].is_empty() and t["ranks"].columns == ["record_id", "prompt_id", "completion_index", "rank"]


def test_both_annotation_shapes_give_the_same_rows(tmp_path: Path) -> None:
    struct = record()
    listed = record()
    for comp in listed["completions"][::2]:  # mixed within one record, too
        comp["annotations"] = list_shaped(comp["annotations"])
    write_jsonl(tmp_path / "shapes.jsonl", [dumps(struct), dumps(listed)])
    t = run_ingest(tmp_path / "shapes.jsonl", tmp_path / "out")
    accounted(t, 2)
    a, b = (t["ratings"].filter(pl.col("record_id") == i).drop("record_id") for i in (0, 1))
    assert a.height == 16 and a.equals(b)


def _three_records() -> list[dict[str, object]]:
    recs = [record("first"), record("second", n=0), record("third", n=3, source="sharegpt")]
    for rec in recs:  # Parquet cannot hold Type "None" next to lists: use lists everywhere here
        for comp in rec["completions"]:
            comp["annotations"]["truthfulness"]["Type"] = ["2"]
    return recs


@pytest.mark.parametrize("fmt", ["jsonl", "json-array", "json-lines", "jsonl.gz", "parquet"])
def test_every_format_gives_the_same_rows(tmp_path: Path, fmt: str) -> None:
    recs = _three_records()
    write_jsonl(tmp_path / "ref.jsonl", [dumps(r) for r in recs])
    ref = run_ingest(tmp_path / "ref.jsonl", tmp_path / "ref")
    path = tmp_path / "in" / {"jsonl": "r.jsonl", "json-array": "r.json", "json-lines": "r.json",
                             "jsonl.gz": "r.jsonl.gz", "parquet": "r.parquet"}[fmt]
    path.parent.mkdir()
    if fmt == "json-array":
        path.write_text(as_json_array(recs))
    elif fmt == "json-lines":
        write_jsonl(path, [dumps(r) for r in recs])
    elif fmt == "jsonl.gz":
        path.write_bytes(gzip.compress((tmp_path / "ref.jsonl").read_bytes()))
    elif fmt == "parquet":
        write_parquet(path, recs)
    else:
        write_jsonl(path, [dumps(r) for r in recs])
    got = run_ingest(path, tmp_path / "out")
    accounted(got, 3)
    for table in ("responses", "ratings"):
        assert got[table].equals(ref[table]), table
    assert got["prompts"].drop("file").equals(ref["prompts"].drop("file"))
    assert got["prompts"]["line"].to_list() == [1, 2, 3]


def test_folders_read_in_sorted_order_with_positions_per_file(tmp_path: Path) -> None:
    root = tmp_path / "in"
    write_jsonl(root / "b.jsonl", [dumps(record("b1")), "", dumps(record("b2"))])
    write_jsonl(root / "a" / "x.jsonl", ["  ", dumps(record("a1"))])
    write_parquet(root / "c.parquet", [record("c1"), record("c2")])
    (root / ".hidden.jsonl").write_text(dumps(record("hidden")) + "\n")
    t = run_ingest(root, tmp_path / "out")
    accounted(t, 5)
    rows = t["prompts"].select("record_id", "prompt", "file", "line").rows()
    assert rows == [(0, "a1", "a/x.jsonl", 2), (1, "b1", "b.jsonl", 1), (2, "b2", "b.jsonl", 3),
                    (3, "c1", "c.parquet", 1), (4, "c2", "c.parquet", 2)]


def test_zero_to_many_completions(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "n.jsonl", [dumps(record(f"p{n}", n=n)) for n in range(7)])
    t = run_ingest(tmp_path / "n.jsonl", tmp_path / "out")
    assert t["prompts"]["n_completions"].to_list() == list(range(7))
    assert t["responses"].group_by("record_id").len().sort("record_id")["len"].to_list() == list(range(1, 7))
    assert t["ratings"].height == 4 * sum(range(7))
    assert set(t["ratings"]["aspect"].unique()) == set(ASPECTS)


def test_same_rows_whatever_the_thread_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recs = [record(f"prompt {i}", n=i % 5) for i in range(300)]
    recs[7]["completions"][0]["overall_score"] = "NaN"
    lines = [dumps(r) for r in recs] + ["{broken"]
    for shard in range(3):
        write_jsonl(tmp_path / "in" / f"part-{shard}.jsonl", lines[shard::3])
    results = []
    for threads in ("1", "2", "4"):
        monkeypatch.setenv("NOTUS_THREADS", threads)
        results.append(run_ingest(tmp_path / "in", tmp_path / f"out-{threads}"))
    for other in results[1:]:
        for table, frame in results[0].items():
            assert frame.equals(other[table]), table
    accounted(results[0], 301)


def test_through_notus_run(tmp_path: Path) -> None:
    (tmp_path / "pipelines").mkdir()
    spec = tmp_path / "pipelines" / "ingest.yaml"
    spec.write_text(INGEST_ONLY_SPEC)
    write_jsonl(tmp_path / "input" / "r.jsonl", [dumps(record()), json.dumps([1]), dumps(record("b", n=1))])
    first = Version.open(run_pipeline(spec, build_dir=tmp_path / "build"))
    assert {t: first.rows(t) for t in ("prompts", "responses", "ratings", "invalid")} == {
        "prompts": 2, "responses": 5, "ratings": 20, "invalid": 1,
    }
    assert first.scan("invalid").collect()["reason"].to_list() == ["invalid:not_an_object"]
    again = Version.open(run_pipeline(spec, build_dir=tmp_path / "build"))
    assert again.version_id == first.version_id
    with pytest.raises(DataError, match=r"none of its 3 records is valid \(invalid:too_large 2, "
                                         r"invalid:not_an_object 1\)"):
        run_pipeline(spec, build_dir=tmp_path / "build", sets={"max_record_bytes": 100})


def test_slabs_and_windows_do_not_change_the_rows(tmp_path: Path) -> None:
    """Ingest works on slabs of the input (memory stays flat); tiny slabs and read windows must give
    exactly the rows one slab gives, in the same order."""
    recs = [record(f"p{i}", n=i % 6) for i in range(40)]
    for rec in recs[::7]:
        for comp in rec["completions"]:
            comp["annotations"] = list_shaped(comp["annotations"])
    recs[5]["completions"][1]["annotations"]["honesty"]["Rating"] = "9"
    lines = [dumps(r) for r in recs] + ["", "[1]", "{truncated"]
    write_jsonl(tmp_path / "in" / "a.jsonl", lines[:20])
    write_jsonl(tmp_path / "in" / "b.jsonl", lines[20:])
    files = plan_files(sorted(str(p) for p in (tmp_path / "in").iterdir()), ("instruction", "completions"))
    results = []
    for name, slab, chunk in [("one", SLAB_BYTES, CHUNK_BYTES), ("tiny", 1, 16 << 10)]:
        out = tmp_path / name
        out.mkdir()
        outputs = {t: out / f"{t}.parquet" for t in TABLES}
        assert write_tables(files, outputs, out / "_work", 1 << 20, slab_bytes=slab, chunk_bytes=chunk) == 42
        results.append({t: pl.read_parquet(p) for t, p in outputs.items()})
    for table in TABLES:
        assert results[0][table].equals(results[1][table]), table
    accounted(results[1], 42)
    assert results[1]["invalid"]["reason"].to_list() == ["invalid:rating", "invalid:not_an_object", "invalid:json"]
