from __future__ import annotations

from pathlib import Path

import pytest

from notus.core.errors import UsageError
from notus.train.config import build_dpo_config, load_config, parse_config
from tests.support.paths import REPO

CONFIGS = REPO / "configs" / "train"
MINIMAL = "model:\n  model_name_or_path: some/model\n"


def parse(text: str, *overrides: str):
    return parse_config(text, Path("x.yaml"), tuple(overrides))


@pytest.mark.parametrize("name", ["notus-7b-v1", "handbook-zephyr-7b-beta", "qlora", "smoke"])
def test_shipped_configs_build_a_dpo_config(name: str, tmp_path: Path) -> None:
    cfg = load_config(CONFIGS / f"{name}.yaml")
    args = build_dpo_config(cfg, tmp_path)
    assert args.output_dir == str(tmp_path)
    assert args.report_to == []  # "none": no tracker is contacted
    assert cfg.data.max_prompt_tokens is not None and cfg.data.max_prompt_tokens < args.max_length


def test_notus_recipe_is_zephyrs_original(tmp_path: Path) -> None:
    cfg = load_config(CONFIGS / "notus-7b-v1.yaml")
    a = build_dpo_config(cfg, tmp_path)
    assert cfg.model.model_name_or_path == "alignment-handbook/zephyr-7b-sft-full"
    assert cfg.model.chat_template == "zephyr" and cfg.model.system_message == ""
    assert (a.beta, a.learning_rate, a.lr_scheduler_type.value, a.warmup_steps) == (0.1, 5e-7, "linear", 0.1)
    assert (a.num_train_epochs, a.per_device_train_batch_size, a.gradient_accumulation_steps) == (3, 8, 1)
    assert (a.optim.value, a.max_length, a.bf16, a.activation_checkpointing, a.seed) == (
        "rmsprop",
        1024,
        True,
        True,
        42,
    )
    assert a.loss_type == ["sigmoid"] and cfg.data.max_prompt_tokens == 512


def test_handbook_and_qlora_recipes(tmp_path: Path) -> None:
    h = build_dpo_config(load_config(CONFIGS / "handbook-zephyr-7b-beta.yaml"), tmp_path)
    assert (h.beta, h.learning_rate, h.lr_scheduler_type.value, h.num_train_epochs, h.optim.value) == (
        0.01,
        5e-7,
        "cosine",
        1,
        "adamw_torch",
    )
    assert (h.per_device_train_batch_size, h.gradient_accumulation_steps) == (8, 2)
    q_cfg = load_config(CONFIGS / "qlora.yaml")
    q = build_dpo_config(q_cfg, tmp_path)
    assert q_cfg.lora is not None and (q_cfg.lora.r, q_cfg.lora.lora_alpha, q_cfg.lora.load_in_4bit) == (128, 128, True)
    assert (q.learning_rate, q.optim.value, q.per_device_train_batch_size, q.gradient_accumulation_steps) == (
        5e-6,
        "paged_adamw_32bit",
        4,
        4,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("training: {}\n", "missing section 'model'"),
        (MINIMAL + "optimizer: {}\n", "unknown section"),
        (MINIMAL + "training:\n  max_prompt_length: 512\n", "set data.max_prompt_tokens"),
        (MINIMAL + "training:\n  warmup_ratio: 0.1\n", "write warmup_steps: 0.1"),
        (MINIMAL + "training:\n  gradient_checkpointing: true\n", "write activation_checkpointing"),
        (MINIMAL + "training:\n  output_dir: out\n", "--output"),
        (MINIMAL + "training:\n  betta: 0.1\n", "unknown trl.DPOConfig argument.*betta"),
        (MINIMAL + "data:\n  max_prompt_tokens: 1024\n", "must be below training.max_length"),
        (MINIMAL + "data:\n  max_train_rows: 0\n", "positive integer"),
        (MINIMAL + "data:\n  max_train_rows: lots\n", r"data.max_train_rows: expected int \| None"),
        (MINIMAL + "data:\n  max_rows: 3\n", "unknown key.*max_rows"),
        ("model:\n  dtype: float32\n", "model_name_or_path"),
        (MINIMAL + "  dtype: fp8\n", "model.dtype"),
        (MINIMAL + "  chat_template: chatml\n", "model.chat_template"),
        (MINIMAL + "lora:\n  r: sixteen\n", "lora.r: expected int"),
        ("model: [1, 2]\n", "must be a mapping"),
        ("- just a list\n", "a mapping with sections"),
        ("model: {\n", "not valid YAML"),
    ],
)
def test_bad_configs_are_one_line_usage_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message) as err:
        parse(text)
    assert "\n" not in str(err.value)


def test_bad_values_caught_by_dpoconfig_become_usage_errors(tmp_path: Path) -> None:
    cfg = parse(MINIMAL + "training:\n  lr_scheduler_type: sideways\n")
    with pytest.raises(UsageError, match=r"x\.yaml: training"):
        build_dpo_config(cfg, tmp_path)


def test_overrides_apply_and_are_recorded() -> None:
    cfg = parse(MINIMAL + "training:\n  max_steps: 20\n", "training.max_steps=5", "model.system_message=''")
    assert cfg.training["max_steps"] == 5
    assert cfg.model.system_message == ""
    assert cfg.as_dict()["overrides"] == ["training.max_steps=5", "model.system_message=''"]
    for bad, message in (("max_steps=5", "SECTION.KEY=VALUE"), ("optim.lr=1", "unknown section")):
        with pytest.raises(UsageError, match=message):
            parse(MINIMAL, bad)
    with pytest.raises(UsageError, match=r"unknown trl\.DPOConfig"):
        parse(MINIMAL, "training.nonsense=1")


def test_cpu_defaults_only_fill_what_the_config_leaves_open(tmp_path: Path) -> None:
    import torch

    args = build_dpo_config(parse(MINIMAL + "training:\n  bf16: false\n"), tmp_path)
    assert args.use_cpu is (not torch.cuda.is_available())
    assert args.activation_checkpointing is True  # TRL's default, under its transformers 5 name
    args = build_dpo_config(parse(MINIMAL + "training:\n  bf16: false\n  activation_checkpointing: false\n"), tmp_path)
    assert args.activation_checkpointing is False


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read training config"):
        load_config(tmp_path / "nope.yaml")
