"""The short-record shape: the same records as the default sample, with their texts cut."""

from __future__ import annotations

import json
from pathlib import Path

from notus.cli.main import main as cli_main
from notus.sample.compact import first_sentences, shorten


def test_first_sentences_keeps_whole_sentences_and_short_texts() -> None:
    assert first_sentences("One. Two!  Three? Four.", 2) == "One. Two!"
    assert first_sentences("No end mark here", 1) == "No end mark here"
    assert first_sentences("Just one.", 3) == "Just one."
    assert first_sentences("", 1) == ""


def test_shorten_cuts_texts_in_both_annotation_shapes_and_nothing_else() -> None:
    rationale = "First. Second."
    record = {"instruction": "Q. Still the prompt.", "completions": [
        {"response": "A. B. C.", "critique": "x. y. z.", "custom_system_prompt": "S. T.", "overall_score": 10,
         "annotations": {"honesty": {"Rating": "4", "Rationale": rationale},
                         "helpfulness": [{"Rating": "N/A", "Rationale": rationale, "Rationale For Rating": rationale,
                                          "Type": ["1"]}]}},
        {"response": None, "annotations": None},
    ]}
    out = shorten(record)
    first = out["completions"][0]
    assert (first["response"], first["critique"], first["custom_system_prompt"]) == ("A.", "x. y.", "S.")
    assert first["annotations"]["honesty"] == {"Rating": "4", "Rationale": "First."}
    assert first["annotations"]["helpfulness"] == [{"Rating": "N/A", "Rationale": "First.",
                                                    "Rationale For Rating": "First.", "Type": ["1"]}]
    assert first["overall_score"] == 10 and out["instruction"] == "Q. Still the prompt."
    assert out["completions"][1] == {"response": None, "annotations": None}


def test_short_records_are_the_same_records_smaller(tmp_path: Path) -> None:
    for name, extra in (("long", []), ("short", ["--short-records"]), ("short2", ["--short-records"])):
        assert cli_main(["sample", "--prompts", "300", "--seed", "5", "--out", str(tmp_path / name), *extra]) == 0
    files = {n: tmp_path / n / "ultrafeedback" / "part-00000.jsonl" for n in ("long", "short", "short2")}
    assert files["short"].read_bytes() == files["short2"].read_bytes()  # deterministic
    assert files["short"].stat().st_size < 0.6 * files["long"].stat().st_size
    long = [json.loads(line) for line in files["long"].read_text().splitlines()]
    short = [json.loads(line) for line in files["short"].read_text().splitlines()]
    assert [r["instruction"] for r in short] == [r["instruction"] for r in long]
    ratings = [[c.get("overall_score") for c in r["completions"] or []] for r in long]
    assert [[c.get("overall_score") for c in r["completions"] or []] for r in short] == ratings
    assert json.loads((tmp_path / "short" / "sample.json").read_text())["short_records"] is True
