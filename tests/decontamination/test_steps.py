"""The registered step `decontamination.match`, called the way the runner calls it: its contract, the
`benchmark_sets` table that lands in the manifest, the line it prints, and its param checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from notus.core.errors import UsageError
from notus.core.params import resolve_params
from notus.core.sources import resolve_source
from notus.core.spec import load_spec
from notus.core.step import StepContext, get_step
from tests.support.paths import REPO

from .conftest import SYNTHETIC

PARAMS = {"ngram_n": 13, "ngram_threshold": 0.5, "min_item_words": 5}


def call(tmp_path: Path, benchmarks: Path, prompts: pl.LazyFrame, **params: Any) -> dict[str, pl.DataFrame]:
    step = get_step("decontamination.match")
    assert step is not None
    ctx = StepContext(
        step="decontamination", params={**PARAMS, **params},
        sources={"benchmarks": resolve_source("benchmarks", str(benchmarks))}, workdir=tmp_path,
        outputs={t: tmp_path / f"{t}.parquet" for t in step.writes},
    )
    out = step.fn(ctx, prompts=prompts)
    assert set(out) == set(step.writes)
    frames = {name: lf.collect() for name, lf in out.items()}
    for name, columns in step.writes.items():
        assert frames[name].columns == list(columns)
    return frames


PROMPTS = pl.LazyFrame({
    "record_id": [10, 11, 12, 13],
    "prompt_id": ["a", "b", "c", "d"],
    "source": ["truthful_qa", "sharegpt", "flan", "evol_instruct"],
    "prompt": [
        "Anything",
        f"Please help: {SYNTHETIC['vicuna_bench'][0][0].upper()} Thanks!",
        "who made berlin",
        "Write a limerick about a cat.",
    ],
    "n_completions": [4, 4, 4, 4],  # extra columns are ignored
})


def test_step_flags_by_each_method(tmp_path: Path, synthetic_benchmarks: Path) -> None:
    frames = call(tmp_path, synthetic_benchmarks, PROMPTS)
    found = frames["contamination"].select("record_id", "benchmark", "method").rows()
    assert found == [(10, "truthfulqa", "source"), (11, "vicuna_bench", "ngram"), (12, "alpaca_eval", "exact")]


def test_benchmark_sets_lists_files_hashes_and_rules(tmp_path: Path, synthetic_benchmarks: Path) -> None:
    sets = call(tmp_path, synthetic_benchmarks, PROMPTS)["benchmark_sets"]
    source = resolve_source("benchmarks", str(synthetic_benchmarks))
    assert sets.get_column("benchmark").to_list() == ["alpaca_eval", "mt_bench", "truthfulqa", "vicuna_bench"]
    assert sets.get_column("file").to_list() == [
        "alpaca_eval_805_instructions.jsonl", "mt_bench_question.jsonl", "TruthfulQA.csv",
        "vicuna_bench_question.jsonl",
    ]
    assert set(sets.get_column("sha256")) == {f.sha256 for f in source.files}
    assert set(sets.get_column("uri")) == {str(synthetic_benchmarks)}
    assert sets.get_column("items").to_list() == [3, 2, 4, 1]
    truthful = sets.row(2, named=True)
    assert (truthful["ngram_items"], truthful["contained_items"], truthful["exact_only_items"]) == (2, 1, 1)


def test_step_prints_which_sets_were_used(
    tmp_path: Path, synthetic_benchmarks: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call(tmp_path, synthetic_benchmarks, PROMPTS)
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line == (
        f"decontamination: benchmarks from {synthetic_benchmarks} (alpaca_eval 3, mt_bench 2, truthfulqa 4, "
        "vicuna_bench 1 items); 3 records flagged (exact 1, ngram 1, source 1)"
    )


def test_params_change_what_is_found(tmp_path: Path, synthetic_benchmarks: Path) -> None:
    quiz = "Quiz: why do glass harbour seals migrate toward the southern lighthouse each spring"
    embedded = pl.LazyFrame({"record_id": [1], "prompt_id": ["p"], "source": ["x"], "prompt": [quiz]})
    assert call(tmp_path, synthetic_benchmarks, embedded)["contamination"].height == 1
    assert call(tmp_path, synthetic_benchmarks, embedded, min_item_words=13)["contamination"].is_empty()


@pytest.mark.parametrize(
    ("param", "value", "expected"),
    [("ngram_n", "0", "a number >= 1"), ("ngram_n", "2.5", "expected an integer"),
     ("min_item_words", "-1", "a number >= 1"), ("ngram_threshold", "1.5", "a number >= 0 and <= 1"),
     ("ngram_threshold", "true", "expected a number")],
)
def test_bad_params_are_usage_errors_before_the_run(param: str, value: str, expected: str) -> None:
    spec = load_spec(REPO / "pipelines" / "notus-cleaned.yaml")
    with pytest.raises(UsageError, match=rf"^--set {param}: .*{expected}"):
        resolve_params(spec.params, {param: value}, spec.name)
