"""Verdicts flow into the next version: each action's effect on the real curation SQL, which verdict wins,
stale and invalid lines, the published `verdicts` table, the accounting audit and the version id."""

from __future__ import annotations

import itertools
from pathlib import Path

import polars as pl
import pytest

from notus.verdicts.format import Verdict, text_sha256
from tests.ultrafeedback.curation_harness import Record, prompt_id, response_text, run_curation, table, uniform

RECORDS = [
    # record 0: completion 0 is the Notus choice (mean 5), 1 and 2 lower
    Record("Name the capital of Egypt.", [uniform(8, 5), uniform(9, 3), uniform(6, 2)]),
    # record 1: the 1 -> 10 band: score 10, mean 3 -> review_needed under repair=true
    Record("Write a haiku about rain.", [uniform(10, 3), uniform(7, 4), uniform(5, 1)]),
    # record 2 and 3: the same prompt twice with the same completions (a repeated prompt, not a duplicate)
    Record("Sum 2 and 3.", [uniform(9, 5), uniform(4, 2)]),
    Record("Sum 2 and 3.", [uniform(9, 5), uniform(4, 2)]),
    Record("Explain recursion.", [uniform(8, 4), uniform(6, 3)]),
]
CLOCK = (f"2026-12-02T{m // 3600:02d}:{m // 60 % 60:02d}:{m % 60:02d}.000000Z" for m in itertools.count())


def v(action: str, record: int, index: int | None = None, author: str = "human:anna", **fields: object) -> Verdict:
    prompt = RECORDS[record].prompt
    base: dict[str, object] = dict(action=action, prompt_id=prompt_id(prompt), author=author,
                                   created_at=next(CLOCK), version_id="0" * 16, pipeline="notus")
    if index is not None:
        base.update(completion_index=index, response_sha256=text_sha256(response_text(index, prompt)))
    return Verdict(**{**base, **fields})  # type: ignore[arg-type]


def pair(record: int, chosen: int, rejected: int, **fields: object) -> Verdict:
    prompt = RECORDS[record].prompt
    return v("set_pair", record, chosen_index=chosen, rejected_index=rejected,
             chosen_sha256=text_sha256(response_text(chosen, prompt)),
             rejected_sha256=text_sha256(response_text(rejected, prompt)), **fields)


def chosen(version: object, record_id: int) -> tuple[int, int]:
    rows = table(version, "preferences").filter(pl.col("record_id") == record_id)  # type: ignore[arg-type]
    assert rows.height == 1
    return rows["chosen_index"][0], rows["rejected_index"][0]


def statuses(version: object) -> list[tuple[str, str]]:
    t = table(version, "verdicts").sort("file", "line")  # type: ignore[arg-type]
    return list(zip(t["action"].to_list(), t["status"].to_list(), strict=True))


def test_no_verdicts_change_nothing_and_publish_an_empty_table(tmp_path: Path) -> None:
    version = run_curation(tmp_path, RECORDS)
    assert table(version, "verdicts").is_empty()
    assert chosen(version, 0)[0] == 0
    assert table(version, "completions")["verdict"].null_count() == table(version, "completions").height


def test_drop_record_leaves_preferences_with_reason_reviewed_and_the_note(tmp_path: Path) -> None:
    version = run_curation(tmp_path, RECORDS, verdicts=[v("drop_record", 0, note="the question is a trick")])
    dropped = table(version, "dropped").filter(pl.col("record_id") == 0)
    assert dropped["reason"].to_list() == ["reviewed"]
    assert dropped["detail"][0] == "the question is a trick (human:anna)"
    assert 0 not in table(version, "preferences")["record_id"].to_list()
    assert version.manifest["audits"]["audit_accounting"]["ok"]
    assert statuses(version) == [("drop_record", "applied")]
    assert table(version, "verdicts")["records"].to_list() == [1]


def test_a_defective_completion_takes_no_part_in_binarization(tmp_path: Path) -> None:
    version = run_curation(tmp_path, RECORDS, verdicts=[v("completion_defective", 0, 0)])
    assert chosen(version, 0)[0] == 1  # the best left (mean 3); completion 0 is out
    row = table(version, "completions").filter((pl.col("record_id") == 0) & (pl.col("completion_index") == 0))
    assert row["verdict"].to_list() == ["completion_defective"]


def test_set_score_and_completion_ok_settle_the_review_needed_band(tmp_path: Path) -> None:
    before = run_curation(tmp_path, RECORDS, name="before", sets={"repair": True})
    band = table(before, "completions").filter(pl.col("review_needed"))
    assert band.select("record_id", "completion_index").rows() == [(1, 0)]
    assert band["fixed_overall_score"].to_list() == [None]

    scored = run_curation(tmp_path, RECORDS, name="scored", sets={"repair": True},
                          verdicts=[v("set_score", 1, 0, author="judge:m", score=4)])
    row = table(scored, "completions").filter((pl.col("record_id") == 1) & (pl.col("completion_index") == 0))
    assert row.select("fixed_overall_score", "review_needed", "verdict").rows() == [(4.0, False, "set_score")]

    kept = run_curation(tmp_path, RECORDS, name="kept", sets={"repair": True}, verdicts=[v("completion_ok", 1, 0)])
    row = table(kept, "completions").filter((pl.col("record_id") == 1) & (pl.col("completion_index") == 0))
    assert row.select("fixed_overall_score", "review_needed").rows() == [(10.0, False)]


def test_set_pair_overrides_the_strategy(tmp_path: Path) -> None:
    version = run_curation(tmp_path, RECORDS, verdicts=[pair(0, 2, 1)], pipeline="zephyr")
    assert chosen(version, 0) == (2, 1)
    assert statuses(version) == [("set_pair", "applied")]


def test_a_verdict_on_changed_text_is_stale_and_not_applied(tmp_path: Path) -> None:
    stale = v("completion_defective", 0, 0, response_sha256=text_sha256("an older response"))
    unknown = Verdict(action="drop_record", prompt_id=text_sha256("not in this input"), author="human:anna",
                      created_at=next(CLOCK), version_id="0" * 16, pipeline="notus")
    version = run_curation(tmp_path, RECORDS, verdicts=[stale, unknown])
    assert chosen(version, 0)[0] == 0
    t = table(version, "verdicts").sort("line")
    assert t["status"].to_list() == ["stale", "not_in_input"]
    assert "response text changed" in t["detail"][0] and "no record" in t["detail"][1]


def test_a_human_wins_over_a_judge_and_the_latest_human_wins(tmp_path: Path) -> None:
    verdicts = [
        v("completion_ok", 0, 0),                                          # anna, early
        v("completion_defective", 0, 0, author="judge:gpt"),              # a judge, later: loses to a human
        v("completion_defective", 0, 0, author="human:bo"),               # bo disagrees, later: wins
        v("set_score", 1, 0, author="judge:a", score=3),
        v("set_score", 1, 0, author="judge:a", score=5),                  # the same judge again: supersedes
        v("completion_ok", 4, 1), v("completion_ok", 4, 1),               # anna twice, same decision
        v("judge_failed", 4, 0, author="judge:gpt", judge={"raw": "I cannot rate this."}),
    ]
    version = run_curation(tmp_path, RECORDS, verdicts=verdicts, sets={"repair": True})
    assert statuses(version) == [
        ("completion_ok", "conflicting"), ("completion_defective", "superseded"),
        ("completion_defective", "applied"), ("set_score", "superseded"), ("set_score", "applied"),
        ("completion_ok", "superseded"), ("completion_ok", "applied"), ("judge_failed", "no_effect"),
    ]
    assert chosen(version, 0)[0] == 1
    row = table(version, "completions").filter((pl.col("record_id") == 1) & (pl.col("completion_index") == 0))
    assert row["fixed_overall_score"].to_list() == [5.0]


def test_a_repeated_prompt_gets_the_verdict_on_every_record_whose_text_matches(tmp_path: Path) -> None:
    version = run_curation(tmp_path, RECORDS, verdicts=[v("drop_record", 2)])
    dropped = table(version, "dropped").filter(pl.col("reason") == "reviewed")
    assert dropped["record_id"].to_list() == [2, 3]
    assert table(version, "verdicts")["records"].to_list() == [2]


def test_invalid_lines_are_listed_and_warned_about_and_the_rest_applies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    version = run_curation(tmp_path, RECORDS, verdicts=[v("drop_record", 4)])
    assert statuses(version) == [("drop_record", "applied")]
    bad = tmp_path / "verdicts-hand" / "verdicts.jsonl"
    bad.write_text(bad.read_text() + '{"action": "drop_record"}\nnot json\n')
    from notus.core.runner import run_pipeline
    from notus.core.version import Version

    spec = next((tmp_path / "project" / "pipelines").glob("hand-notus.yaml"))
    tables = tmp_path / "tables-hand"
    again = Version.open(run_pipeline(spec, build_dir=tmp_path / "build",
                                      sources={"tables": str(tables), "input": str(tables),
                                               "verdicts": str(bad.parent)}))
    t = table(again, "verdicts").sort("line")
    assert t["status"].to_list() == ["applied", "invalid", "invalid"]
    assert t["detail"][1] == "missing field 'prompt_id'"
    assert "2 verdict line(s) are not valid verdicts" in capsys.readouterr().err


def test_the_same_verdicts_make_the_same_version_and_a_new_one_a_new_version(tmp_path: Path) -> None:
    verdicts = [v("drop_record", 4, note="n")]
    first = run_curation(tmp_path, RECORDS, name="a", verdicts=verdicts)
    second = run_curation(tmp_path, RECORDS, name="a", verdicts=verdicts)
    assert second.version_id == first.version_id
    third = run_curation(tmp_path, RECORDS, name="a", verdicts=[*verdicts, v("completion_defective", 0, 0)])
    assert third.version_id != first.version_id
    cached = {s["name"]: s["cached"] for s in third.manifest["steps"]}
    assert cached["ingest"] and cached["critique_negativity"] and not cached["verdicts"]


def test_a_retract_withdraws_a_verdict_and_the_one_before_it_applies_again(tmp_path: Path) -> None:
    from notus.verdicts.format import retraction

    first = v("set_score", 1, 0, score=2)
    second = v("set_score", 1, 0, score=9)
    undo = retraction(second.verdict_id, second.prompt_id, "human:anna", "0" * 16, "notus", created_at=next(CLOCK))
    nowhere = retraction("f" * 64, second.prompt_id, "human:anna", "0" * 16, "notus", created_at=next(CLOCK))
    version = run_curation(tmp_path, RECORDS, verdicts=[first, second, undo, nowhere])
    assert statuses(version) == [("set_score", "applied"), ("set_score", "retracted"), ("retract", "applied"),
                                 ("retract", "no_effect")]
    row = table(version, "completions").filter((pl.col("record_id") == 1) & (pl.col("completion_index") == 0))
    assert row["fixed_overall_score"].to_list() == [2.0]
    assert table(version, "verdicts")["retracts"].to_list()[2] == second.verdict_id
