"""Chat-template fidelity, checked on the token ids TRL's DPOTrainer builds, not only on the template text.

The recipe's text is `<|system|>\\n</s>\\n<|user|>\\n{user}</s>\\n<|assistant|>\\n{assistant}</s>\\n`: no BOS,
one EOS closing each turn, none doubled (TRL #4481). The tiny tokenizer's post-processor adds `<s>` like
Mistral's, so a path that tokenized with special tokens would show up here as a BOS.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from notus.core.version import Version
from notus.train.chat_template import ZEPHYR_CHAT_TEMPLATE, zephyr_text
from notus.train.data import load_split, to_trl

SKY = [
    {"role": "system", "content": ""},
    {"role": "user", "content": "What color is the sky?"},
    {"role": "assistant", "content": "It is blue."},
]


@pytest.fixture(scope="module")
def tokenizer(tiny_model_dir: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model_dir)


def trl_rows(tiny_model_dir: Path, tokenizer, rows, tmp_path: Path):
    """The dataset exactly as DPOTrainer tokenized it (prompt_ids, chosen_ids, rejected_ids)."""
    from trl import DPOConfig, DPOTrainer

    args = DPOConfig(
        str(tmp_path / "out"),
        use_cpu=True,
        bf16=False,
        report_to="none",
        activation_checkpointing=False,
        max_length=None,
    )
    trainer = DPOTrainer(model=str(tiny_model_dir), args=args, train_dataset=rows, processing_class=tokenizer)
    return trainer


def test_template_text_is_the_recipe_text(tokenizer) -> None:
    assert tokenizer.chat_template == ZEPHYR_CHAT_TEMPLATE
    text = tokenizer.apply_chat_template(SKY, tokenize=False)
    assert text == "<|system|>\n</s>\n<|user|>\nWhat color is the sky?</s>\n<|assistant|>\nIt is blue.</s>\n"
    assert text == zephyr_text(SKY)
    prompt = tokenizer.apply_chat_template(SKY[:2], tokenize=False, add_generation_prompt=True)
    assert prompt == "<|system|>\n</s>\n<|user|>\nWhat color is the sky?</s>\n<|assistant|>\n"
    no_system = tokenizer.apply_chat_template(SKY[1:], tokenize=False)
    assert no_system == "<|user|>\nWhat color is the sky?</s>\n<|assistant|>\nIt is blue.</s>\n"


def test_tokenizer_adds_bos_only_outside_the_chat_template(tokenizer) -> None:
    assert tokenizer("hi").input_ids[0] == tokenizer.bos_token_id
    ids = tokenizer.apply_chat_template(SKY, tokenize=True, return_dict=False)
    assert tokenizer.bos_token_id not in ids


def test_trl_token_ids_are_exactly_the_recipe_text(tiny_model_dir: Path, tokenizer, tmp_path: Path) -> None:
    from datasets import Dataset

    rows = Dataset.from_list(
        [
            {
                "prompt": SKY[:2],
                "chosen": [SKY[2]],
                "rejected": [{"role": "assistant", "content": "Green, obviously!"}],
            }
        ]
    )
    trainer = trl_rows(tiny_model_dir, tokenizer, rows, tmp_path)
    row = trainer.train_dataset[0]
    eos, bos = tokenizer.eos_token_id, tokenizer.bos_token_id
    newline = tokenizer("\n", add_special_tokens=False).input_ids
    for completion, text in ((row["chosen_ids"], "It is blue."), (row["rejected_ids"], "Green, obviously!")):
        ids = row["prompt_ids"] + completion
        expected = "<|system|>\n</s>\n<|user|>\nWhat color is the sky?</s>\n<|assistant|>\n" + text + "</s>\n"
        assert ids == tokenizer(expected, add_special_tokens=False).input_ids
        assert bos not in ids
        assert ids.count(eos) == 3  # system, user, assistant: one each
        positions = [i for i, t in enumerate(ids) if t == eos]
        assert all(ids[i + 1 : i + 1 + len(newline)] == newline for i in positions)  # `</s>\n`, never `</s></s>`
        assert completion[-1 - len(newline)] == eos and completion[-len(newline) :] == newline
    # The prompt ends with the generation prompt; the completion is the assistant text, its EOS and newline.
    assert tokenizer.decode(row["prompt_ids"]).endswith("</s>\n<|assistant|>\n")
    assert tokenizer.decode(row["chosen_ids"]) == "It is blue.</s>\n"

    # What the model is fed: the collated batch, padding excluded, has one EOS per turn and no BOS.
    batch = trainer.data_collator([row])
    for seq, attention, completion_mask in zip(
        batch["input_ids"], batch["attention_mask"], batch["completion_mask"], strict=True
    ):
        real = seq[attention.bool()].tolist()
        assert real.count(eos) == 3 and bos not in real
        trained = seq[completion_mask.bool()].tolist()
        assert trained.count(eos) == 1 and trained[-1 - len(newline)] == eos


def test_real_rows_explicit_and_implicit_prompt_give_the_same_ids(
    tiny_model_dir: Path, tokenizer, version_dir: Path, tmp_path: Path
) -> None:
    """Our explicit prompt/chosen split equals TRL's own implicit-prompt extraction, token for token."""
    rows = load_split(Version.open(version_dir), "train").select(range(16))
    explicit = trl_rows(tiny_model_dir, tokenizer, to_trl(rows, None), tmp_path / "e").train_dataset
    implicit = trl_rows(
        tiny_model_dir, tokenizer, rows.select_columns(["chosen", "rejected"]), tmp_path / "i"
    ).train_dataset
    for key in ("prompt_ids", "chosen_ids", "rejected_ids"):
        assert explicit[key] == implicit[key]
    eos = tokenizer.eos_token_id
    for row, source in zip(explicit, rows, strict=True):
        ids = row["prompt_ids"] + row["chosen_ids"]
        assert ids == tokenizer(zephyr_text(source["chosen"]), add_special_tokens=False).input_ids
        assert ids.count(eos) == 2 and tokenizer.bos_token_id not in ids


def test_every_row_that_reaches_the_trainer_has_one_eos_per_turn(tokenizer, version_dir: Path) -> None:
    from notus.train.data import drop_special_token_text

    rows = to_trl(load_split(Version.open(version_dir), "train"), "")
    kept, dropped = drop_special_token_text(rows, tokenizer)
    assert len(kept) + len(dropped) == len(rows)
    eos = tokenizer.eos_token_id
    for row in kept:
        for completion in (row["chosen"], row["rejected"]):
            ids = tokenizer.apply_chat_template(row["prompt"] + completion, tokenize=True, return_dict=False)
            assert ids.count(eos) == 3, row["record_id"]
