"""The sample's benchmark side: the synthetic set is written in the published layouts (and copies none of
the real items), any folder in that layout can be planted from, and every planted copy and control in
truth.parquet is what it claims to be while ordinary prompts hold no benchmark item."""

from __future__ import annotations

import csv
import json
import string
import unicodedata
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from notus.core.errors import DataError, UsageError
from notus.sample import benchmarks as bench
from notus.sample.contamination import VARIANTS
from notus.sample.generate import write_sample

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    return " ".join(text.translate(str.maketrans("", "", string.punctuation)).split())


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]], pl.DataFrame]:
    out = tmp_path_factory.mktemp("planted")
    result = write_sample(out, 2500, seed=21, contamination_rate=0.03)
    records = [json.loads(line) for line in result.record_files[0].read_text(encoding="utf-8").splitlines()]
    return out, records, pl.read_parquet(result.truth)


def test_synthetic_files_have_the_published_layouts(tmp_path: Path) -> None:
    paths = bench.write_synthetic(tmp_path)
    assert sorted(p.name for p in paths) == sorted(bench.FILE_NAMES.values())
    with (tmp_path / "TruthfulQA.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == bench.TRUTHFULQA_COLUMNS
        rows = list(reader)
    assert len(rows) == 817 and len({r["Question"] for r in rows}) == 817
    assert {r["Type"] for r in rows} == {"Adversarial", "Non-Adversarial"}
    alpaca = _jsonl(tmp_path / "alpaca_eval_805_instructions.jsonl")
    assert 40 <= len(alpaca) <= 100 and all(set(r) == {"instruction", "dataset"} for r in alpaca)
    mt = _jsonl(tmp_path / "mt_bench_question.jsonl")
    assert 40 <= len(mt) <= 100
    assert all(set(r) == {"question_id", "category", "turns"} and len(r["turns"]) == 2 for r in mt)
    vicuna = _jsonl(tmp_path / "vicuna_bench_question.jsonl")
    assert all(set(r) == {"question_id", "category", "turns"} and len(r["turns"]) == 1 for r in vicuna)
    assert len({r["question_id"] for r in mt}) == len(mt) and len({r["question_id"] for r in vicuna}) == len(vicuna)


def test_synthetic_files_match_the_real_files_layout_and_copy_no_item(tmp_path: Path, shared_data: Path) -> None:
    real = shared_data / "benchmarks"
    bench.write_synthetic(tmp_path)
    with (real / "TruthfulQA.csv").open(encoding="utf-8", newline="") as handle:
        assert tuple(csv.DictReader(handle).fieldnames or ()) == bench.TRUTHFULQA_COLUMNS
    for name in ("alpaca_eval_805_instructions.jsonl", "mt_bench_question.jsonl", "vicuna_bench_question.jsonl"):
        real_keys = set(_jsonl(real / name)[0])
        assert set(_jsonl(tmp_path / name)[0]) <= real_keys  # mt_bench rows may also carry `reference`
    real_items = {normalize(i.text) for items in bench.read_folder(real).values() for i in items}
    synthetic = {normalize(i.text) for items in bench.synthetic_items().values() for i in items}
    assert not real_items & synthetic


def test_reading_a_folder_gives_back_the_synthetic_items(tmp_path: Path) -> None:
    bench.write_synthetic(tmp_path)
    read = bench.read_folder(tmp_path)
    expected = bench.synthetic_items()
    assert set(read) == set(expected) == set(bench.BENCHMARKS)
    for name, items in read.items():
        assert [(i.text, i.correct, i.incorrect) for i in items] == [(i.text, i.correct, i.incorrect)
                                                                     for i in expected[name]]
        assert {i.origin for i in items} == {str(tmp_path)}
    assert len(read["mt_bench"]) == 2 * len(bench.mt_bench_rows())  # one item per turn


def test_reading_the_real_folder(shared_data: Path) -> None:
    items = bench.read_folder(shared_data / "benchmarks")
    assert {k: len(v) for k, v in items.items()} == {"truthfulqa": 817, "alpaca_eval": 805, "mt_bench": 160,
                                                     "vicuna_bench": 80}
    assert all(i.correct != ("None",) for i in items["truthfulqa"])


def test_bad_benchmark_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="none of"):
        bench.read_folder(tmp_path)
    (tmp_path / "alpaca_eval_805_instructions.jsonl").write_text('{"instruction": "a"}\n{oops\n')
    with pytest.raises(DataError, match=":2: not valid JSON"):
        bench.read_folder(tmp_path)
    (tmp_path / "alpaca_eval_805_instructions.jsonl").unlink()
    (tmp_path / "TruthfulQA.csv").write_text("Type,Prompt\nx,y\n")
    with pytest.raises(DataError, match="no 'Question' column"):
        bench.read_folder(tmp_path)


def test_planted_copies_carry_the_item(planted: tuple[Path, list[dict[str, Any]], pl.DataFrame]) -> None:
    _, records, truth = planted
    rows = truth.filter(pl.col("kind") == "contamination").to_dicts()
    seen = set()
    for row in rows:
        benchmark, variant = row["detail"].split(":")
        prompt, item = records[row["record_id"]]["instruction"], row["item"]
        source = records[row["record_id"]]["source"]
        assert benchmark in bench.BENCHMARKS and row["origin"] == bench.SYNTHETIC
        seen.add(variant)
        if variant == "source":
            assert source == "truthful_qa" and benchmark == "truthfulqa" and prompt == item
            continue
        assert source != "truthful_qa" and variant in VARIANTS
        if variant == "exact":
            assert prompt == item
        elif variant == "embedded":
            assert item in prompt and len(prompt) > len(item)
        else:
            assert prompt != item and normalize(prompt) == normalize(item)
    assert seen == {*VARIANTS, "source"}
    planted_share = sum(r["detail"].split(":")[1] != "source" for r in rows) / len(records)
    assert planted_share == pytest.approx(0.03, abs=0.002)
    assert all(records[r["record_id"]]["source"] == "truthful_qa" for r in rows if r["detail"].endswith(":source"))
    assert {r["record_id"] for r in rows if r["detail"].endswith(":source")} == {
        i for i, r in enumerate(records) if r["source"] == "truthful_qa"}


def test_controls_hold_no_item_and_ordinary_prompts_hold_none_either(
        planted: tuple[Path, list[dict[str, Any]], pl.DataFrame]) -> None:
    _, records, truth = planted
    controls = truth.filter(pl.col("kind") == "contamination_control").to_dicts()
    assert len(controls) == truth.filter(pl.col("kind") == "contamination",
                                         ~pl.col("detail").str.ends_with(":source")).height
    items = {normalize(i.text) for values in bench.synthetic_items().values() for i in values}
    by_head: dict[tuple[str, ...], list[str]] = {}
    for item in items:
        by_head.setdefault(tuple(item.split()[:2]), []).append(item)

    def holds_an_item(prompt: str) -> bool:
        padded = f" {normalize(prompt)} "
        words = padded.split()
        return any(f" {item} " in padded for i in range(len(words) - 1)
                   for item in by_head.get((words[i], words[i + 1]), ()))

    for row in controls:
        assert not holds_an_item(records[row["record_id"]]["instruction"])
    flagged = set(truth.filter(pl.col("kind") == "contamination")["record_id"])
    ordinary = [r["instruction"] for i, r in enumerate(records) if i not in flagged]
    assert not [p for p in ordinary if holds_an_item(p)]


def test_planting_from_an_external_folder(tmp_path: Path, shared_data: Path) -> None:
    folder = shared_data / "benchmarks"
    result = write_sample(tmp_path, 1500, seed=4, benchmark_dirs=[folder], contamination_rate=0.02)
    assert result.benchmark_files == () and not (tmp_path / "benchmarks").exists()
    real = bench.read_folder(folder)
    questions = {i.text for i in real["truthfulqa"]}
    texts = {i.text for values in real.values() for i in values}
    records = [json.loads(line) for line in result.record_files[0].read_text(encoding="utf-8").splitlines()]
    truth = pl.read_parquet(result.truth).filter(pl.col("kind") == "contamination")
    assert set(truth["origin"]) == {str(folder)}
    assert set(truth["item"]) <= texts
    for row in truth.to_dicts():
        if row["detail"].endswith((":exact", ":source")):
            assert records[row["record_id"]]["instruction"] == row["item"]
    tqa = [r for r in records if r["source"] == "truthful_qa"]
    assert tqa and all(r["instruction"] in questions and r["correct_answers"] != ["None"] for r in tqa)
    summary = json.loads((tmp_path / "sample.json").read_text())
    assert summary["benchmarks"] == [str(folder)] and summary["benchmark_items"]["alpaca_eval"] == 805


def test_external_and_synthetic_sets_together(tmp_path: Path, shared_data: Path) -> None:
    result = write_sample(tmp_path, 1200, seed=4, benchmark_dirs=[shared_data / "benchmarks"],
                          synthetic_benchmarks=True, contamination_rate=0.05)
    assert len(result.benchmark_files) == 4
    origins = set(pl.read_parquet(result.truth).filter(pl.col("kind") == "contamination")["origin"])
    assert origins == {bench.SYNTHETIC, str(shared_data / "benchmarks")}
