"""The rated ingest on nvidia/HelpSteer2's schema: consecutive rows of a prompt become one record, the
<extra_id_1> turn lines a conversation, each aspect a rating on 0-4; bad rows are quarantined alone and
every input row is accounted for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from notus.core.errors import UsageError
from notus.ingest.canonical import prompt_id
from notus.preference.rated import rated
from tests.preference.harness import HELPSTEER2, msg, reasons, run_step, write_jsonl

ASPECTS = HELPSTEER2["rating_columns"]


def row(prompt: str, response: str, *scores: Any) -> dict[str, Any]:
    return {"prompt": prompt, "response": response, **dict(zip(ASPECTS, scores, strict=False))}


MULTI = "What is a tide?\n<extra_id_1>Assistant\nThe rise and fall of the sea.\n<extra_id_1>User\nWhy twice a day?"


def rows_accounted(t: dict, n_rows: int) -> None:
    """Every input row is a response of a valid record or a quarantined row, once."""
    listed = t["responses"]["row_id"].to_list() + t["invalid"]["record_id"].to_list()
    assert sorted(listed) == list(range(n_rows))
    firsts = t["responses"].group_by("record_id").agg(pl.col("row_id").min())
    assert all(r == f for r, f in firsts.iter_rows())


def test_consecutive_rows_of_a_prompt_are_one_record(tmp_path: Path) -> None:
    rows = [row("Q1", "a", 4, 4, 4, 2, 1), row("Q1", "b", 1, 0, 3, 2, 2),
            row(MULTI, "The moon.", 3, 3, 4, 1, 1), row(MULTI, "No idea.", 0, 0, 2, 0, 0),
            row("Q1", "c", 2, 2, 2, 2, 2)]  # a prompt that comes back later: a record of its own
    t = run_step(rated, HELPSTEER2, write_jsonl(tmp_path / "train.jsonl", rows), tmp_path / "out")
    rows_accounted(t, len(rows))
    conversation = [msg("user", "What is a tide?"), msg("assistant", "The rise and fall of the sea."),
                    msg("user", "Why twice a day?")]
    p = t["prompts"]
    assert p.select("record_id", "prompt", "n_completions", "line").rows() == [
        (0, "Q1", 2, 1), (2, "Why twice a day?", 2, 3), (4, "Q1", 1, 5)]
    assert p["conversation"].to_list()[1] == conversation
    assert p["prompt_id"].to_list()[1] == prompt_id(conversation)
    assert p["prompt_id"][0] == p["prompt_id"][2]  # same prompt, same id (and split), two records
    assert t["responses"].select("record_id", "completion_index", "response", "row_id").rows() == [
        (0, 0, "a", 0), (0, 1, "b", 1), (2, 0, "The moon.", 2), (2, 1, "No idea.", 3), (4, 0, "c", 4)]
    first = t["ratings"].filter(t["ratings"]["record_id"] == 0).head(5)
    assert first.select("aspect", "rating", "scale_min", "scale_max").rows() == [
        (a, float(s), 0.0, 4.0) for a, s in zip(ASPECTS, (4, 4, 4, 2, 1), strict=True)]
    assert t["ranks"].is_empty()


def test_a_bad_row_is_quarantined_alone_and_its_partner_stays(tmp_path: Path) -> None:
    rows = [row("Q1", "a", 4, 4, 4, 2, 1), row("Q1", "b", 5, 0, 3, 2, 2),  # helpfulness 5: out of 0-4
            row("Q2", "a", 1, 1, 1, 1, 1), '{"prompt": "Q2", "respo',  # a broken line inside a prompt's run
            row("Q2", "b", 2, 2, 2, 2, 2),
            {"prompt": "Q3", "response": "a", "helpfulness": 1},  # aspects missing
            row("Q3", "b", "three", 1, 1, 1, 1), row("Q4", "", 1, 1, 1, 1, 1), row("Q4", ["x"], 1, 1, 1, 1, 1),
            row("a<extra_id_1>User\nb", "x", 1, 1, 1, 1, 1), row(7, "x", 1, 1, 1, 1, 1),
            row("x\n<extra_id_1>Critic\ny", "z", 1, 1, 1, 1, 1)]
    t = run_step(rated, HELPSTEER2, write_jsonl(tmp_path / "train.jsonl", rows), tmp_path / "out")
    rows_accounted(t, len(rows))
    found = reasons(t)
    assert {i: r for i, (r, _) in found.items()} == {
        1: "invalid:rating", 3: "invalid:json", 5: "invalid:rating", 6: "invalid:rating",
        7: "invalid:missing_response", 8: "invalid:response", 9: "invalid:transcript", 10: "invalid:prompt",
        11: "invalid:transcript"}
    assert found[1][1] == "train.jsonl line 2: helpfulness 5 is not a number in [0, 4]"
    assert "no 'correctness' (missing or null)" in found[5][1]
    assert 'helpfulness "three" is not a number' in found[6][1]
    assert "tag that does not start a line" in found[9][1]
    assert "names no role of User/Assistant/System" in found[11][1]
    # the broken line does not split Q2's run: rows 2 and 4 are one record
    assert t["prompts"].select("record_id", "n_completions").rows() == [(0, 1), (2, 2)]


def test_files_never_share_a_record(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in" / "a.jsonl", [row("Q", "a", 1, 1, 1, 1, 1)])
    write_jsonl(tmp_path / "in" / "b.jsonl", [row("Q", "b", 2, 2, 2, 2, 2)])
    t = run_step(rated, HELPSTEER2, tmp_path / "in", tmp_path / "out")
    assert t["prompts"].select("record_id", "file", "n_completions").rows() == [(0, "a.jsonl", 1), (1, "b.jsonl", 1)]


def test_rated_mapping_errors(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "x.jsonl", [row("Q", "a", 1, 1, 1, 1, 1)])
    with pytest.raises(UsageError, match="rating_columns"):
        run_step(rated, {**HELPSTEER2, "rating_columns": []}, path, tmp_path / "o1")
    with pytest.raises(UsageError, match="scale_min/scale_max"):
        run_step(rated, {**HELPSTEER2, "scale_min": 4, "scale_max": 0}, path, tmp_path / "o2")
