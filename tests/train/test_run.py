"""One in-process DPO run on the tiny model: the outputs, the lineage accounting, and the refusals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from notus.core.errors import DataError, UsageError
from notus.train.run import check_world_size, train
from tests.support.paths import REPO

SMOKE = REPO / "configs" / "train" / "smoke.yaml"


def quick(model_dir: Path, *extra: str) -> tuple[str, ...]:
    return (
        f"model.model_name_or_path={model_dir}",
        "training.max_steps=3",
        "data.max_train_rows=12",
        "data.max_eval_rows=6",
        *extra,
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, version_dir: Path, tiny_model_dir: Path):
    out = tmp_path_factory.mktemp("run") / "out"
    return train(SMOKE, version_dir, out, overrides=quick(tiny_model_dir))


@pytest.mark.slow
def test_outputs_model_tokenizer_lineage_and_throughput(run) -> None:
    out = run.output_dir
    for name in ("model.safetensors", "config.json", "tokenizer.json", "README.md", "training_data.json"):
        assert (out / name).is_file(), name
    assert [r["step"] for r in run.log_history if "loss" in r] == [1, 2, 3]
    assert "eval_loss" in run.metrics and "eval_rewards/accuracies" in run.metrics
    assert json.loads((out / "throughput.json").read_text()) == run.throughput
    assert run.throughput["steps"] == 3 and run.throughput["tokens_per_second"] > 0
    assert run.throughput["world_size"] == 1


@pytest.mark.slow
def test_training_data_names_the_version_and_accounts_for_every_row(run, version_dir: Path) -> None:
    record = json.loads((run.output_dir / "training_data.json").read_text())
    manifest = json.loads((version_dir / "manifest.json").read_text())
    assert record["data"]["version_id"] == manifest["version_id"]
    assert record["data"]["pipeline"] == manifest["pipeline"]
    assert record["data"]["files"][0]["sha256"] == manifest["tables"]["preferences"]["sha256"][0]
    assert record["config"]["training"]["beta"] == 0.1
    assert "training.max_steps=3" in record["config"]["overrides"]
    assert record["config_text"] == SMOKE.read_text()
    for name, split in record["splits"].items():
        accounted = (
            split["rows_not_selected"]
            + split["rows_dropped_special_token_text"]
            + split["rows_dropped_long_prompt"]
            + split["rows_dropped_by_trl_max_length"]
            + split["rows_used"]
        )
        assert accounted == split["rows_in_version"], name
        assert split["rows_used"] > 0
    card = (run.output_dir / "README.md").read_text()
    assert manifest["version_id"] in card and "notus train" in card and "base_model:" in card


@pytest.mark.slow
def test_a_finished_output_is_not_overwritten_by_accident(run, version_dir: Path, tiny_model_dir: Path) -> None:
    with pytest.raises(UsageError, match="--overwrite"):
        train(SMOKE, version_dir, run.output_dir, overrides=quick(tiny_model_dir))


def test_a_tampered_version_is_refused_before_training(version_dir: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(version_dir, tmp_path / "copy"))
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["tables"]["preferences"]["rows"] += 1
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DataError, match="manifest says"):
        train(SMOKE, copy, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_launch_whose_processes_would_train_alone_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORLD_SIZE", "2")
    with pytest.raises(UsageError, match="launched 2 processes"):
        check_world_size(SimpleNamespace(world_size=1))
    check_world_size(SimpleNamespace(world_size=2))


def test_missing_model_is_a_one_line_data_error(version_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot load tokenizer") as err:
        train(SMOKE, version_dir, tmp_path / "out", overrides=(f"model.model_name_or_path={tmp_path / 'none'}",))
    assert "\n" not in str(err.value)


def test_qlora_without_cuda_is_a_usage_error(version_dir: Path, tiny_model_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("peft")
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    overrides = (*quick(tiny_model_dir), "lora.r=4", "lora.load_in_4bit=true")
    with pytest.raises(UsageError, match="CUDA GPU"):
        train(SMOKE, version_dir, tmp_path / "out", overrides=overrides)


@pytest.mark.slow
def test_lora_trains_an_adapter(version_dir: Path, tiny_model_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("peft")
    overrides = (
        *quick(tiny_model_dir),
        "training.max_steps=2",
        "data.max_train_rows=4",
        "data.max_eval_rows=2",
        "lora.r=4",
        "lora.target_modules=[q_proj, v_proj]",
    )
    result = train(SMOKE, version_dir, tmp_path / "out", overrides=overrides)
    assert (result.output_dir / "adapter_config.json").is_file()
    assert "library_name: peft" in (result.output_dir / "README.md").read_text()
    assert [r["step"] for r in result.log_history if "loss" in r] == [1, 2]


def test_evaluation_without_test_rows_is_refused(tiny_model_dir: Path, tmp_path: Path) -> None:
    from .versions import generated_rows, write_version

    version = write_version(tmp_path / "v", generated_rows(n_train=6, n_test=0))
    overrides = (f"model.model_name_or_path={tiny_model_dir}", "training.eval_strategy=steps")
    with pytest.raises(DataError, match="no test rows"):
        train(SMOKE, version, tmp_path / "out", overrides=overrides)
