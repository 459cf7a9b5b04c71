"""The verdict line format: round trips, refuses what it cannot apply, and appends durably without
interleaving lines."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from notus.verdicts.format import Verdict, VerdictError, append, now, parse, read, text_sha256

PROMPT = text_sha256("What is the capital of Egypt?")


def verdict(**fields: object) -> Verdict:
    base: dict[str, object] = dict(action="completion_defective", prompt_id=PROMPT, author="human:anna",
                                   created_at=now(), version_id="f8c7de99010c00a9", pipeline="notus",
                                   completion_index=2, response_sha256=text_sha256("Cairo."))
    return Verdict(**{**base, **fields})  # type: ignore[arg-type]


def test_a_verdict_round_trips_and_its_id_covers_every_field() -> None:
    v = verdict(note="<script>alert(1)</script> stays text", judge=None)
    line = v.to_json()
    assert parse(line) == v
    assert json.loads(line)["verdict_id"] == v.verdict_id
    assert verdict(note="other").verdict_id != verdict(note="x").verdict_id
    assert list(json.loads(line))[:3] == ["verdict_id", "action", "prompt_id"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"action": "delete"}, "action: 'delete' is not one of"),
    ({"prompt_id": "abc"}, "prompt_id: expected the sha256"),
    ({"author": "anna"}, "author: expected human:<name> or judge:<model>"),
    ({"completion_index": -1}, "completion_index: expected a completion index >= 0"),
    ({"response_sha256": None}, "response_sha256: expected the sha256"),
    ({"action": "set_score", "score": 11}, r"score: set_score needs a number in \[0, 10\]"),
    ({"action": "set_score", "score": True}, "score: set_score needs a number"),
    ({"action": "set_pair", "chosen_index": 1, "rejected_index": 1, "chosen_sha256": PROMPT,
      "rejected_sha256": PROMPT}, "chosen and rejected are the same completion"),
    ({"action": "judge_failed", "author": "judge:m"}, "judge_failed: needs judge.raw"),
])
def test_malformed_verdicts_are_refused_with_the_field(fields: dict[str, object], message: str) -> None:
    with pytest.raises(VerdictError, match=message):
        verdict(**fields).check()


def test_reading_reports_each_bad_line_and_keeps_the_good_ones(tmp_path: Path) -> None:
    path = tmp_path / "v.jsonl"
    good = verdict()
    path.write_text("\n".join([good.to_json(), "{not json", "[1]", json.dumps({"action": "drop_record"}),
                               json.dumps({**json.loads(good.to_json()), "extra": 1}), ""]) + "\n\n")
    found = list(read(path))
    assert [n for n, _ in found] == [1, 2, 3, 4, 5]
    assert found[0][1] == good
    errors = [str(e) for _, e in found[1:]]
    assert errors[0].startswith("not JSON") and errors[1] == "not a JSON object"
    assert errors[2] == "missing field 'prompt_id'" and errors[3] == "unknown field 'extra'"


def test_concurrent_appends_never_interleave_lines(tmp_path: Path) -> None:
    path = tmp_path / "v.jsonl"
    long_note = "x" * 20_000

    def writer(name: str) -> None:
        for i in range(30):
            append(path, [verdict(author=f"human:{name}", note=long_note[: 1000 + i], completion_index=i)])

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("a", "b", "c")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = [v for _, v in read(path)]
    assert len(lines) == 90 and all(isinstance(v, Verdict) for v in lines)


def test_append_refuses_a_bad_verdict_before_writing_anything(tmp_path: Path) -> None:
    path = tmp_path / "v.jsonl"
    with pytest.raises(VerdictError):
        append(path, [verdict(), verdict(author="nobody")])
    assert not path.exists()
