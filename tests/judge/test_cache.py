"""Request keys and the answer store: what decides an answer is in the key; the store survives a torn line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from notus.core.errors import UsageError
from notus.judge.cache import Answer, AnswerStore, model_slug, request_key

MESSAGES = [{"role": "user", "content": "Rate it."}]
PARAMS = {"temperature": 0.0, "max_tokens": 1024, "response_format": None, "seed": None}


def test_the_key_changes_with_everything_the_answer_depends_on() -> None:
    base = request_key("m", "a" * 64, MESSAGES, PARAMS)
    assert base == request_key("m", "a" * 64, [dict(m) for m in MESSAGES], dict(reversed(PARAMS.items())))
    variants = [
        request_key("m2", "a" * 64, MESSAGES, PARAMS),
        request_key("m", "b" * 64, MESSAGES, PARAMS),
        request_key("m", "a" * 64, [{"role": "user", "content": "Rate it!"}], PARAMS),
        *(request_key("m", "a" * 64, MESSAGES, {**PARAMS, k: v}) for k, v in
          (("temperature", 0.7), ("max_tokens", 16), ("response_format", {"type": "json_object"}), ("seed", 3))),
    ]
    assert base not in variants and len(set(variants)) == len(variants)


def test_model_slugs_are_file_names() -> None:
    assert model_slug("meta-llama/Llama-3.1-8B-Instruct") == "meta-llama-Llama-3.1-8B-Instruct"
    assert model_slug("llama3:8b") == "llama3-8b"
    assert model_slug("../..") == "model"


def test_answers_round_trip_and_the_first_answer_to_a_key_wins(tmp_path: Path) -> None:
    store = AnswerStore(tmp_path, "m")
    store.put(Answer("k1", 200, '{"choices": []}'))
    store.put(Answer("k2", 400, "too long", origin="batch"))
    store.put(Answer("k1", 200, "later"))
    assert store.load() == {"k1": Answer("k1", 200, '{"choices": []}'), "k2": Answer("k2", 400, "too long", "batch")}


def test_a_line_torn_by_a_crash_is_skipped_and_the_next_answer_starts_a_new_line(tmp_path: Path) -> None:
    store = AnswerStore(tmp_path, "m")
    store.put(Answer("k1", 200, "one"))
    with open(store.path, "a") as fh:
        fh.write('{"key": "k2", "status": 2')  # what a SIGKILL mid-write could leave
    store.put(Answer("k3", 200, "three"))
    assert set(store.load()) == {"k1", "k3"} and store.skipped == 1
    assert all(json.loads(line)["key"] for line in store.path.read_text().splitlines()[2:])


def test_a_second_run_for_the_same_model_is_refused(tmp_path: Path) -> None:
    store = AnswerStore(tmp_path, "m")
    with store.locked():
        with pytest.raises(UsageError, match="another `notus judge` run"), AnswerStore(tmp_path, "m").locked():
            pass
        with AnswerStore(tmp_path, "other-model").locked():
            pass
    with store.locked():  # released
        pass
