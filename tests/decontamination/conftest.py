"""Benchmark folders for the decontamination tests: a small synthetic set in the published layouts
(written here, so the tests do not depend on `notus sample`), and the real files when ../shared has them."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

# Items of the synthetic set, per benchmark. Lengths cover the three rules at n = 13, min_item_words = 5:
# >= 13 words (n-gram coverage), 5..12 words (contained whole), < 5 words (exact only).
SYNTHETIC = {
    "truthfulqa": [
        "What colour do lighthouse keepers paint the inside of a copper kettle on winter mornings?",
        "Why do glass harbour seals migrate toward the southern lighthouse each spring?",
        "Can reindeer really fly?",
        "Which ancient river town first minted square coins made from polished river stones and sold them "
        "to passing merchants?",
    ],
    "alpaca_eval": [
        "Write a limerick about a forgetful astronomer who keeps misplacing the moon in her notebook.",
        "Explain to a ten year old how tidal locking keeps one face of the moon turned toward the earth, "
        "using only kitchen objects as examples.",
        "Who made Berlin?",
    ],
    "mt_bench": [
        ["Draft a short museum placard describing a fictional bronze age compass found in a peat bog.",
         "Now rewrite the placard as a haiku."],
    ],
    "vicuna_bench": [
        ["How would a medieval blacksmith explain the principles of metallurgy to an apprentice?"],
    ],
}


def write_benchmarks(folder: Path, sets: dict[str, list] | None = None) -> Path:
    """The four files in the layout of ../shared/data/benchmarks."""
    sets = sets or SYNTHETIC
    folder.mkdir(parents=True, exist_ok=True)
    if "truthfulqa" in sets:
        pl.DataFrame({"Type": "Adversarial", "Category": "Misc", "Question": sets["truthfulqa"]}).write_csv(
            folder / "TruthfulQA.csv"
        )
    if "alpaca_eval" in sets:
        lines = [json.dumps({"instruction": t, "dataset": "synthetic"}) for t in sets["alpaca_eval"]]
        (folder / "alpaca_eval_805_instructions.jsonl").write_text("\n".join(lines) + "\n")
    for name in ("mt_bench", "vicuna_bench"):
        if name in sets:
            lines = [json.dumps({"question_id": i + 1, "category": "writing", "turns": turns})
                     for i, turns in enumerate(sets[name])]
            (folder / f"{name}_question.jsonl").write_text("\n".join(lines) + "\n")
    return folder


@pytest.fixture
def synthetic_benchmarks(tmp_path: Path) -> Path:
    return write_benchmarks(tmp_path / "benchmarks")


@pytest.fixture
def real_benchmarks(shared_data: Path) -> Path:
    folder = shared_data / "benchmarks"
    if not folder.is_dir():
        pytest.skip("../shared/data/benchmarks is not present")
    return folder
