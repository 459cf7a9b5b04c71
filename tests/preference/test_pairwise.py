"""The pairwise ingest on every published pairwise schema (column names, nesting and value kinds as
../shared/reference/preference-datasets.md gives them), its quarantine rules, and its accounting."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from notus.core.errors import DataError, UsageError
from notus.ingest.canonical import prompt_id
from notus.preference.pairwise import pairwise
from tests.preference.harness import HH, PAIRWISE, accounted, msg, reasons, run_step, write_jsonl, write_parquet

MESSAGES = pa.list_(pa.struct([("content", pa.string()), ("role", pa.string())]))


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def h4_row(prompt: str, good: str, bad: str, scores: tuple[float, float] = (8.0, 5.0)) -> dict[str, Any]:
    chosen = [msg("user", prompt), msg("assistant", good)]
    return {"prompt": prompt, "prompt_id": sha(prompt), "chosen": chosen,
            "rejected": [msg("user", prompt), msg("assistant", bad)], "messages": chosen,
            "score_chosen": scores[0], "score_rejected": scores[1]}


def test_h4_published_schema_from_parquet(tmp_path: Path) -> None:
    """HuggingFaceH4/ultrafeedback_binarized as its Parquet files hold it: prompt_id is H4's own
    (sha256 of the prompt), the scores land in overall_score, chosen ranks 1 and rejected 2."""
    schema = pa.schema([("prompt", pa.string()), ("prompt_id", pa.string()), ("chosen", MESSAGES),
                        ("rejected", MESSAGES), ("messages", MESSAGES), ("score_chosen", pa.float64()),
                        ("score_rejected", pa.float64())])
    rows = [h4_row("What is the capital of Egypt?", "Cairo.", "Alexandria."),
            h4_row("Name a prime number.", "7", "8", (9.0, 9.0))]
    path = write_parquet(tmp_path / "in" / "train_prefs-00000-of-00001.parquet", rows, schema)
    t = run_step(pairwise, PAIRWISE, path.parent, tmp_path / "out")
    accounted(t, 2)
    assert t["prompts"]["prompt_id"].to_list() == [r["prompt_id"] for r in rows]
    assert t["prompts"]["conversation"].to_list()[0] == [msg("user", "What is the capital of Egypt?")]
    assert t["prompts"]["source"].to_list() == ["train_prefs-00000-of-00001.parquet"] * 2
    assert t["responses"].select("record_id", "completion_index", "response", "overall_score").rows() == [
        (0, 0, "Cairo.", 8.0), (0, 1, "Alexandria.", 5.0), (1, 0, "7", 9.0), (1, 1, "8", 9.0)]
    assert t["ranks"]["rank"].to_list() == [1.0, 2.0, 1.0, 2.0]
    assert t["ratings"].is_empty() and t["invalid"].is_empty()


def test_the_plain_text_variant_of_the_real_rows(tmp_path: Path) -> None:
    """The rows in ../shared/data: prompt, chosen and rejected as plain text, scores in metadata."""
    rows = [{"prompt": "how to cook t-bone in the oven", "chosen": "Preheat to 400°F.", "rejected": "Boil it.",
             "source_index": 3, "metadata": {"score_chosen": 9.0, "score_rejected": 8.0}}]
    t = run_step(pairwise, PAIRWISE, write_jsonl(tmp_path / "train-1000.jsonl", rows), tmp_path / "out")
    assert t["prompts"]["prompt_id"].to_list() == [sha("how to cook t-bone in the oven")]
    assert t["responses"]["overall_score"].to_list() == [9.0, 8.0]
    assert t["responses"]["response"].to_list() == ["Preheat to 400°F.", "Boil it."]


def test_hh_transcripts_split_on_the_last_assistant_turn(tmp_path: Path) -> None:
    """Anthropic/hh-rlhf: the shared history is the prompt; the answer is after the LAST Assistant tag
    (an answer that itself mentions 'Assistant:' mid-line stays whole); multi-turn ids hash the
    conversation."""
    history = "\n\nHuman: Hi there\n\nAssistant: Hello! How can I help?\n\nHuman: What is 2+2?"
    rows = [{"chosen": history + "\n\nAssistant: It is 4. (Assistant: sure.)",
             "rejected": history + "\n\nAssistant: 5."},
            {"chosen": "\n\nHuman: Single?\n\nAssistant: Yes.", "rejected": "\n\nHuman: Single?\n\nAssistant: No."}]
    path = write_jsonl(tmp_path / "helpful-base" / "train.jsonl", rows)
    t = run_step(pairwise, HH, path.parent, tmp_path / "out")
    conversation = [msg("user", "Hi there"), msg("assistant", "Hello! How can I help?"), msg("user", "What is 2+2?")]
    assert t["prompts"]["conversation"].to_list() == [conversation, [msg("user", "Single?")]]
    assert t["prompts"]["prompt"].to_list() == ["What is 2+2?", "Single?"]
    assert t["prompts"]["prompt_id"].to_list() == [prompt_id(conversation), sha("Single?")]
    assert t["responses"]["response"].to_list() == ["It is 4. (Assistant: sure.)", "5.", "Yes.", "No."]


def test_hh_gzipped_subset_files(tmp_path: Path) -> None:
    import gzip
    folder = tmp_path / "harmless-base"
    folder.mkdir()
    with gzip.open(folder / "train.jsonl.gz", "wt") as fh:
        fh.write('{"chosen": "\\n\\nHuman: a\\n\\nAssistant: b", "rejected": "\\n\\nHuman: a\\n\\nAssistant: c"}\n')
    t = run_step(pairwise, HH, folder, tmp_path / "out")
    assert t["responses"]["response"].to_list() == ["b", "c"]


def test_skywork_message_lists_with_an_implicit_prompt(tmp_path: Path) -> None:
    """Skywork-Reward-Preference: whole conversations in chosen/rejected; the prompt is chosen[:-1]."""
    turns = [msg("user", "Plan a trip."), msg("assistant", "Where to?"), msg("user", "Rome.")]
    rows = [{"chosen": [*turns, msg("assistant", "Day 1: the Forum.")],
             "rejected": [*turns, msg("assistant", "No.")], "source": "magpie_ultra"}]
    t = run_step(pairwise, {**HH, "source_column": "source"}, write_jsonl(tmp_path / "s.jsonl", rows),
                 tmp_path / "out")
    assert t["prompts"]["conversation"].to_list() == [turns]
    assert t["prompts"]["source"].to_list() == ["magpie_ultra"]


def test_argilla_hyphenated_columns_with_models_and_ratings(tmp_path: Path) -> None:
    """argilla/ultrafeedback-binarized-preferences-cleaned: `chosen-rating`, `chosen-model`, ..."""
    rows = [{"source": "evol_instruct", "prompt": "Q?", "chosen": [msg("user", "Q?"), msg("assistant", "A")],
             "chosen-rating": 4.5, "chosen-model": "gpt-4", "rejected": [msg("user", "Q?"), msg("assistant", "B")],
             "rejected-rating": 2.25, "rejected-model": "alpaca-7b"}]
    params = {**PAIRWISE, "chosen_score_column": "chosen-rating", "rejected_score_column": "rejected-rating",
              "chosen_model_column": "chosen-model", "rejected_model_column": "rejected-model",
              "source_column": "source", "score_min": 1, "score_max": 5}
    t = run_step(pairwise, params, write_jsonl(tmp_path / "a.jsonl", rows), tmp_path / "out")
    assert t["responses"].select("model", "overall_score").rows() == [("gpt-4", 4.5), ("alpaca-7b", 2.25)]
    assert t["prompts"]["source"].to_list() == ["evol_instruct"]


def test_orca_pairs_with_a_system_message(tmp_path: Path) -> None:
    """argilla/distilabel-intel-orca-dpo-pairs: system, input, chosen, rejected as plain strings."""
    rows = [{"system": "You are an AI assistant.", "input": "Translate 'hi'.", "chosen": "Hola.",
             "rejected": "Bonjour.", "chosen_score": 9.0, "status": "chosen"},
            {"system": "", "input": "Add 2 and 2.", "chosen": "4", "rejected": "5", "chosen_score": 10.0}]
    params = {**PAIRWISE, "prompt_column": "input", "system_column": "system", "chosen_score_column": "chosen_score",
              "rejected_score_column": ""}
    t = run_step(pairwise, params, write_jsonl(tmp_path / "o.jsonl", rows), tmp_path / "out")
    assert t["prompts"]["conversation"].to_list() == [
        [msg("system", "You are an AI assistant."), msg("user", "Translate 'hi'.")], [msg("user", "Add 2 and 2.")]]
    assert t["responses"]["overall_score"].to_list() == [9.0, None, 10.0, None]


def test_an_explicit_message_list_prompt(tmp_path: Path) -> None:
    """TRL's explicit conversational form: prompt = the messages, chosen/rejected = the reply only."""
    rows = [{"prompt": [msg("system", "Be brief."), msg("user", "Sky?")], "chosen": [msg("assistant", "Blue.")],
             "rejected": [msg("assistant", "Green.")]}]
    t = run_step(pairwise, {**HH, "prompt_column": "prompt"}, write_jsonl(tmp_path / "e.jsonl", rows), tmp_path / "o")
    assert t["prompts"]["conversation"].to_list() == [[msg("system", "Be brief."), msg("user", "Sky?")]]


BAD: list[tuple[str, Any, str, str]] = [
    ("truncated line", '{"prompt": "x", "chosen', "invalid:json", "not valid JSON"),
    ("a list", [1, 2], "invalid:not_an_object", "a JSON list, not an object"),
    ("null", None, "invalid:not_an_object", "a JSON null"),
    ("no chosen", {"prompt": "p", "rejected": "b"}, "invalid:missing_chosen", "no 'chosen'"),
    ("no rejected", {"prompt": "p", "chosen": "a"}, "invalid:missing_rejected", "no 'rejected'"),
    ("no prompt", {"chosen": "a", "rejected": "b"}, "invalid:missing_prompt", "no 'prompt'"),
    ("prompt a number", {"prompt": 3, "chosen": "a", "rejected": "b"}, "invalid:prompt", "a JSON number"),
    ("chosen an object", {"prompt": "p", "chosen": {"x": 1}, "rejected": "b"}, "invalid:chosen", "a JSON object"),
    ("a role that is no role", {"prompt": "p", "chosen": [msg("user", "p"), msg("robot", "a")],
                                "rejected": [msg("user", "p"), msg("assistant", "b")]},
     "invalid:chosen", "chosen message 2 is not a {role, content} object"),
    ("content not a string", {"prompt": "p", "chosen": [msg("user", "p"), {"role": "assistant", "content": [1]}],
                              "rejected": [msg("user", "p"), msg("assistant", "b")]},
     "invalid:chosen", "message 2"),
    ("mixed kinds", {"prompt": "p", "chosen": [msg("user", "p"), msg("assistant", "a")], "rejected": "b"},
     "invalid:rejected", "chosen is a list while rejected is a string"),
    ("answer not last", {"prompt": "p", "chosen": [msg("user", "p"), msg("assistant", "a"), msg("user", "more")],
                         "rejected": [msg("user", "p"), msg("assistant", "b")]},
     "invalid:transcript", "chosen does not end with an assistant turn"),
    ("histories differ", {"prompt": "p", "chosen": [msg("user", "p"), msg("assistant", "a")],
                          "rejected": [msg("user", "q"), msg("assistant", "b")]},
     "invalid:transcript", "differ before their last assistant turn (turn 1)"),
    ("prompt mismatch", {"prompt": "p", "chosen": [msg("user", "q"), msg("assistant", "a")],
                         "rejected": [msg("user", "q"), msg("assistant", "b")]},
     "invalid:prompt_mismatch", "differs from the last user turn"),
    ("blank prompt", {"prompt": "  ", "chosen": "a", "rejected": "b"}, "invalid:missing_prompt", "is blank"),
    ("blank answer", {"prompt": "p", "chosen": "a", "rejected": " \n"}, "invalid:missing_rejected", "is blank"),
    ("H4's N/A placeholder", {"prompt": "p", "chosen": [msg("user", "p"), msg("assistant", "a")],
                              "rejected": [msg("user", "p"), msg("assistant", "N/A")]},
     "invalid:missing_rejected", 'placeholder "N/A"'),
    ("identical answers", {"prompt": "p", "chosen": "same", "rejected": "same"},
     "invalid:identical_pair", "chosen and rejected are the same answer"),
    ("score above its scale", {"prompt": "p", "chosen": "a", "rejected": "b", "score_chosen": 11},
     "invalid:score", "score_chosen|metadata.score_chosen 11 is not a number in [0, 10]"),
    ("score a word", {"prompt": "p", "chosen": "a", "rejected": "b", "metadata": {"score_rejected": "high"}},
     "invalid:score", '"high"'),
    ("score NaN", '{"prompt": "p", "chosen": "a", "rejected": "b", "score_chosen": NaN}', "invalid:score", "NaN"),
]


def test_bad_pairs_are_quarantined_with_their_reason_file_and_line(tmp_path: Path) -> None:
    good = {"prompt": "p", "chosen": "a", "rejected": "b", "score_chosen": "7.5"}
    rows = [good, *[row for _, row, _, _ in BAD]]
    t = run_step(pairwise, PAIRWISE, write_jsonl(tmp_path / "bad.jsonl", rows), tmp_path / "out")
    accounted(t, len(rows))
    assert t["responses"]["overall_score"].to_list() == [7.5, None]  # a numeric string is a score
    found = reasons(t)
    for i, (name, _, reason, detail) in enumerate(BAD, start=1):
        assert found[i][0] == reason, name
        assert found[i][1].startswith(f"bad.jsonl line {i + 1}: "), name
        assert detail in found[i][1], (name, found[i][1])


HH_BAD: list[tuple[str, dict[str, str], str, str]] = [
    ("no tags", {"chosen": "just text", "rejected": "\n\nHuman: a\n\nAssistant: b"}, "invalid:transcript",
     "chosen has no \\n\\nHuman: / \\n\\nAssistant: turns"),
    ("text before the first tag", {"chosen": "preamble\n\nHuman: a\n\nAssistant: b",
                                   "rejected": "\n\nHuman: a\n\nAssistant: c"},
     "invalid:transcript", "text before its first Human: tag"),
    ("earlier turns differ", {"chosen": "\n\nHuman: a\n\nAssistant: x\n\nHuman: b\n\nAssistant: y",
                              "rejected": "\n\nHuman: a\n\nAssistant: z\n\nHuman: b\n\nAssistant: w"},
     "invalid:transcript", "(turn 2)"),
    ("ends with a Human turn", {"chosen": "\n\nHuman: a\n\nAssistant: b\n\nHuman: c",
                                "rejected": "\n\nHuman: a\n\nAssistant: d"},
     "invalid:transcript", "chosen does not end with an assistant turn"),
    ("only an answer", {"chosen": "\n\nAssistant: b", "rejected": "\n\nAssistant: c"},
     "invalid:transcript", "there is no turn before the answer"),
    ("empty final answer", {"chosen": "\n\nHuman: a\n\nAssistant:", "rejected": "\n\nHuman: a\n\nAssistant: d"},
     "invalid:missing_chosen", "the chosen answer is blank"),
    ("identical", {"chosen": "\n\nHuman: a\n\nAssistant: b", "rejected": "\n\nHuman: a\n\nAssistant: b"},
     "invalid:identical_pair", "same answer"),
]


def test_bad_hh_transcripts(tmp_path: Path) -> None:
    rows = [{"chosen": "\n\nHuman: a\n\nAssistant: b", "rejected": "\n\nHuman: a\n\nAssistant: c"},
            *[row for _, row, _, _ in HH_BAD]]
    t = run_step(pairwise, HH, write_jsonl(tmp_path / "hh.jsonl", rows), tmp_path / "out")
    accounted(t, len(rows))
    found = reasons(t)
    for i, (name, _, reason, detail) in enumerate(HH_BAD, start=1):
        assert found[i][0] == reason and detail in found[i][1], (name, found[i])


def test_an_input_of_another_shape_stops_with_one_line(tmp_path: Path) -> None:
    """Raw UltraFeedback records fed to the pairwise ingest: no record is valid, so the run stops
    naming the commonest reason instead of building an empty version."""
    rows = [{"instruction": "q", "completions": [{"response": "a"}]}] * 3
    with pytest.raises(DataError, match=r"none of its 3 records is valid \(invalid:missing_chosen 3\)"):
        run_step(pairwise, PAIRWISE, write_jsonl(tmp_path / "uf.jsonl", rows), tmp_path / "out")


def test_a_wrong_mapping_is_a_usage_error(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "x.jsonl", [{"prompt": "p", "chosen": "a", "rejected": "b"}])
    with pytest.raises(UsageError, match="chosen_column: this field is required"):
        run_step(pairwise, {**PAIRWISE, "chosen_column": ""}, path, tmp_path / "o1")
    with pytest.raises(UsageError, match="both a field and an object"):
        run_step(pairwise, {**PAIRWISE, "chosen_score_column": "meta", "rejected_score_column": "meta.x"}, path,
                 tmp_path / "o2")
    with pytest.raises(UsageError, match="score_min/score_max"):
        run_step(pairwise, {**PAIRWISE, "score_min": 5, "score_max": 1}, path, tmp_path / "o3")
