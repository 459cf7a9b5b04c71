"""Reading the benchmark sets in their published layouts: the shared folder, the Hub datasets' files,
and clear one-line errors for a file that names no benchmark or lacks the prompt field."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from notus.core.errors import DataError
from notus.decontamination.benchmarks import benchmark_of, load_items

from .conftest import SYNTHETIC


def test_real_benchmark_files_give_the_published_counts(real_benchmarks: Path) -> None:
    items, files = load_items(sorted(real_benchmarks.iterdir()))
    counts = {f.benchmark: f.items for f in files}
    assert counts == {"truthfulqa": 817, "alpaca_eval": 805, "mt_bench": 160, "vicuna_bench": 80}
    assert items.height == 817 + 805 + 160 + 80
    assert items.get_column("item_key").is_unique().all()
    first_turns = items.filter((pl.col("benchmark") == "mt_bench") & (pl.col("row") == 0))
    assert first_turns.get_column("turn").to_list() == [0, 1]  # every turn is an item


def test_synthetic_folder_in_the_shared_layout(synthetic_benchmarks: Path) -> None:
    items, files = load_items(sorted(synthetic_benchmarks.iterdir()))
    by_set = dict(items.group_by("benchmark").len().iter_rows())
    assert by_set == {"truthfulqa": 4, "alpaca_eval": 3, "mt_bench": 2, "vicuna_bench": 1}
    assert {f.path.name for f in files} == {p.name for p in synthetic_benchmarks.iterdir()}


def test_hub_layouts_are_read_by_folder_name(tmp_path: Path) -> None:
    """truthfulqa/truthful_qa generation Parquet (`question`), tatsu-lab/alpaca_eval's alpaca_eval.json
    (a JSON array, `instruction`), HuggingFaceH4/mt_bench_prompts Parquet (`prompt`, a list of turns)."""
    root = tmp_path / "hub"
    (root / "truthfulqa@abc" / "generation").mkdir(parents=True)
    pl.DataFrame({"type": "Adversarial", "question": SYNTHETIC["truthfulqa"]}).write_parquet(
        root / "truthfulqa@abc" / "generation" / "validation-00000-of-00001.parquet"
    )
    (root / "alpaca_eval@def").mkdir()
    (root / "alpaca_eval@def" / "alpaca_eval.json").write_text(json.dumps(
        [{"instruction": t, "output": "x", "generator": "y", "dataset": "z"} for t in SYNTHETIC["alpaca_eval"]]
    ))
    (root / "mt_bench@123" / "data").mkdir(parents=True)
    pl.DataFrame({"prompt": SYNTHETIC["mt_bench"], "prompt_id": [1], "category": ["writing"]}).write_parquet(
        root / "mt_bench@123" / "data" / "train-00000-of-00001.parquet"
    )
    items, files = load_items(sorted(p for p in root.rglob("*") if p.is_file()))
    assert {f.benchmark: f.items for f in files} == {"truthfulqa": 4, "alpaca_eval": 3, "mt_bench": 2}
    assert set(items.get_column("item").to_list()) == {
        *SYNTHETIC["truthfulqa"], *SYNTHETIC["alpaca_eval"], *SYNTHETIC["mt_bench"][0]
    }


def test_folder_names_above_the_root_are_not_evidence(tmp_path: Path) -> None:
    root = tmp_path / "alpaca_project" / "sets"
    assert benchmark_of(root / "TruthfulQA.csv", root) == "truthfulqa"
    assert benchmark_of(root / "questions.csv", root) is None
    assert benchmark_of(root / "vicuna" / "questions.jsonl", root) == "vicuna_bench"


def test_blank_and_null_items_are_not_items(tmp_path: Path) -> None:
    path = tmp_path / "alpaca_eval.jsonl"
    path.write_text('{"instruction": "Real one"}\n{"instruction": "   "}\n{"instruction": null}\n')
    items, files = load_items([path])
    assert items.get_column("item").to_list() == ["Real one"]
    assert files[0].items == 1


def test_a_file_naming_no_benchmark_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "questions.jsonl"
    path.write_text('{"instruction": "x"}\n')
    with pytest.raises(DataError, match="cannot tell which benchmark"):
        load_items([path])


def test_a_missing_field_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "TruthfulQA.csv"
    path.write_text("Type,Query\nA,What?\n")
    with pytest.raises(DataError, match=r"TruthfulQA\.csv \(truthfulqa\) has no field Question or question"):
        load_items([path])


def test_an_unreadable_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "mt_bench_question.jsonl"
    path.write_text('{"turns": ["a"]}\n{not json\n')
    with pytest.raises(DataError, match=r"cannot read .*mt_bench_question\.jsonl"):
        load_items([path])


def test_no_files_is_an_error() -> None:
    with pytest.raises(DataError, match="no data files"):
        load_items([])
