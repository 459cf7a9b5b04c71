from __future__ import annotations

import json
from pathlib import Path

from notus.core.version import Version
from notus.train.config import parse_config
from notus.train.data import SplitAccount
from notus.train.lineage import model_card, training_data, write_training_data

CONFIG = "model:\n  model_name_or_path: alignment-handbook/zephyr-7b-sft-full\n  system_message: ''\n"


def record_for(version_dir: Path) -> dict:
    cfg = parse_config(CONFIG, Path("configs/train/x.yaml"), ("training.max_steps=5",))
    accounts = {
        "train": SplitAccount(in_version=10, not_selected=2, dropped_long_prompt=[4], used=7, truncated_by_trl=3),
        "test": SplitAccount(in_version=4, dropped_special_token_text=[11], used=3),
    }
    return training_data(cfg, Version.open(version_dir), accounts, "explicit prompt", world_size=2)


def test_training_data_names_version_files_splits_and_config(version_dir: Path, tmp_path: Path) -> None:
    record = record_for(version_dir)
    manifest = json.loads((version_dir / "manifest.json").read_text())
    assert record["data"]["version_id"] == manifest["version_id"] and record["data"]["pipeline"] == "notus"
    assert record["data"]["files"] == [
        {"path": "preferences.parquet", "sha256": manifest["tables"]["preferences"]["sha256"][0]}
    ]
    assert record["splits"]["train"]["rows_used"] == 7
    assert record["splits"]["train"]["dropped_long_prompt_record_ids"] == [4]
    assert record["splits"]["eval"]["dropped_special_token_text_record_ids"] == [11]
    assert record["config"]["model"]["system_message"] == ""
    assert record["config"]["training"] == {"max_steps": 5}
    assert record["versions"]["trl"] and record["world_size"] == 2
    path = write_training_data(tmp_path, record)
    assert json.loads(path.read_text())["data"]["version_id"] == manifest["version_id"]


def test_model_card_says_what_was_trained_on_and_how_to_redo_it(version_dir: Path) -> None:
    record = record_for(version_dir)
    card = model_card(
        record,
        {"eval_loss": 0.5},
        {
            "tokens_per_second": 10.0,
            "pairs_per_second": 1.0,
            "steps": 5,
            "world_size": 2,
            "device": "cpu",
            "precision": "fp32",
        },
        False,
    )
    assert card.startswith("---\nbase_model: alignment-handbook/zephyr-7b-sft-full\n")
    assert "notus version `test-version` (pipeline `notus`)" in card
    assert "| train | 10 | 2 | 0 | 1 | 0 | 3 | 7 |" in card
    assert "notus train configs/train/x.yaml --data <folder of version test-version> --set training.max_steps=5" in card
    assert "| eval_loss | 0.5 |" in card and "10 tokens/s" in card
    adapter = model_card(record, {}, {}, adapter_only=True)
    assert "library_name: peft" in adapter and "LoRA adapter" in adapter and "No evaluation was run." in adapter
