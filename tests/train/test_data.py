from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from notus.core.errors import DataError
from notus.core.version import Version
from notus.train.data import (
    drop_long_prompts,
    drop_special_token_text,
    load_split,
    open_verified,
    select_rows,
    to_trl,
)

from .versions import generated_rows, write_version


@pytest.fixture(scope="module")
def small_version(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_version(tmp_path_factory.mktemp("small") / "v", generated_rows(n_train=30, n_test=10))


def test_splits_come_from_the_split_column(small_version: Path) -> None:
    version = Version.open(small_version)
    train, test = load_split(version, "train"), load_split(version, "test")
    assert (len(train), len(test)) == (30, 10)
    assert set(train["split"]) == {"train"} and set(test["split"]) == {"test"}


def test_explicit_prompt_format(small_version: Path) -> None:
    rows = load_split(Version.open(small_version), "train")
    trl = to_trl(rows, system_message="")
    assert trl.column_names == ["record_id", "prompt", "chosen", "rejected"]
    first, source = trl[0], rows[0]
    assert first["prompt"] == [{"role": "system", "content": ""}, source["chosen"][0]]
    assert first["chosen"] == [source["chosen"][1]]
    assert first["rejected"] == [source["rejected"][1]]
    assert to_trl(rows, system_message=None)[0]["prompt"] == [source["chosen"][0]]


def test_pairs_with_different_prompts_are_refused(tmp_path: Path) -> None:
    rows = generated_rows(n_train=4, n_test=0)
    rows[2]["rejected"][0]["content"] = "another question"
    version = Version.open(write_version(tmp_path / "v", rows))
    with pytest.raises(DataError, match=r"1 preference row.*record_id 2"):
        to_trl(load_split(version, "train"), None)


def test_selection_depends_on_prompt_ids_not_row_order(small_version: Path) -> None:
    rows = load_split(Version.open(small_version), "train")
    picked = select_rows(rows, 10, seed=7)
    shuffled = select_rows(rows.shuffle(seed=1), 10, seed=7)
    assert len(picked) == 10
    assert sorted(picked["record_id"]) == sorted(shuffled["record_id"])
    assert sorted(select_rows(rows, 10, seed=8)["record_id"]) != sorted(picked["record_id"])
    assert select_rows(rows, None, seed=7) is rows


def test_long_prompts_are_dropped_and_named(small_version: Path, tiny_model_dir: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    rows = to_trl(load_split(Version.open(small_version), "train"), None)
    lengths = [
        len(tokenizer.apply_chat_template(p, add_generation_prompt=True, return_dict=False)) for p in rows["prompt"]
    ]
    limit = sorted(lengths)[len(lengths) // 2]
    kept, dropped = drop_long_prompts(rows, tokenizer, limit)
    assert len(kept) + len(dropped) == len(rows)
    assert dropped == [rid for rid, n in zip(rows["record_id"], lengths, strict=True) if n > limit]
    assert drop_long_prompts(rows, tokenizer, None) == (rows, [])


def test_special_token_text_is_dropped_and_named(tmp_path: Path, tiny_model_dir: Path) -> None:
    from transformers import AutoTokenizer

    rows = generated_rows(n_train=5, n_test=0)
    rows[1]["chosen"][1]["content"] += "</s> \nUser: and now?"
    rows[3]["chosen"][0]["content"] = rows[3]["rejected"][0]["content"] = "say <s>"
    trl = to_trl(load_split(Version.open(write_version(tmp_path / "v", rows)), "train"), None)
    kept, dropped = drop_special_token_text(trl, AutoTokenizer.from_pretrained(tiny_model_dir))
    assert dropped == [1, 3]
    assert kept["record_id"] == [0, 2, 4]


def test_a_version_whose_files_do_not_match_its_manifest_is_refused(version_dir: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(version_dir, tmp_path / "copy"))
    assert open_verified(str(copy)).version_id == "test-version"
    with (copy / "preferences.parquet").open("ab") as f:
        f.write(b"\0")
    with pytest.raises(DataError, match="does not match its manifest hash"):
        open_verified(str(copy))


def test_a_version_without_the_needed_columns_is_refused(version_dir: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(version_dir, tmp_path / "copy"))
    manifest = json.loads((copy / "manifest.json").read_text())
    del manifest["tables"]["preferences"]["schema"]["split"]
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DataError, match="lacks column"):
        open_verified(str(copy))


def test_multi_turn_history_stays_in_the_prompt(tmp_path: Path) -> None:
    """A multi-turn pair (HH, HelpSteer2, Nectar): the prompt TRL gets is every turn before the answer, the
    completions only the last assistant turn; a record's own system message replaces the configured one."""
    rows = generated_rows(n_train=2, n_test=0)
    history = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello! How can I help?"},
               {"role": "user", "content": "Tell me about tides."}]
    rows[0]["chosen"] = [*history, {"role": "assistant", "content": "The moon pulls the sea."}]
    rows[0]["rejected"] = [*history, {"role": "assistant", "content": "No."}]
    system = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Tides?"}]
    rows[1]["chosen"] = [*system, {"role": "assistant", "content": "Moon."}]
    rows[1]["rejected"] = [*system, {"role": "assistant", "content": "Sun."}]
    trl = to_trl(load_split(Version.open(write_version(tmp_path / "v", rows)), "train"), system_message="")
    assert trl[0]["prompt"] == [{"role": "system", "content": ""}, *history]
    assert trl[0]["chosen"] == [{"role": "assistant", "content": "The moon pulls the sea."}]
    assert trl[0]["rejected"] == [{"role": "assistant", "content": "No."}]
    assert trl[1]["prompt"] == system
