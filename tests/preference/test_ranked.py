"""The ranked ingest on berkeley-nest/Nectar's schema (data/rlaif.parquet: answers list<struct<answer,
model, rank: double>>, source list<string>, the HH-format prompt with its history inside)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from notus.preference.ranked import ranked
from tests.preference.harness import NECTAR, accounted, msg, reasons, run_step, write_jsonl, write_parquet

NECTAR_SCHEMA = pa.schema([
    ("prompt", pa.string()),
    ("answers", pa.list_(pa.struct([("answer", pa.string()), ("model", pa.string()), ("rank", pa.float64())]))),
    ("turns", pa.int64()), ("num_responses", pa.int64()), ("source", pa.list_(pa.string())),
    ("good_natured", pa.bool_()),
])


def record(prompt: str, ranks: list[Any], texts: list[str] | None = None) -> dict[str, Any]:
    texts = texts or [f"answer {i}" for i in range(len(ranks))]
    return {"prompt": prompt, "answers": [{"answer": t, "model": f"m{i}", "rank": r}
                                          for i, (t, r) in enumerate(zip(texts, ranks, strict=True))],
            "turns": prompt.count("Human:"), "num_responses": len(ranks), "source": ["anthropic-hh"],
            "good_natured": True}


def test_nectar_parquet(tmp_path: Path) -> None:
    history = "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: What is a tide?\n\nAssistant: "
    rows = [record("\n\nHuman: Sky colour?\n\nAssistant: ", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]),
            record(history, [1.0, 2.0, 2.0, 4.0])]  # a tie: both share place 2, place 3 is skipped
    rows[1]["source"] = ["lmsys-chat-1m", "sharegpt"]
    path = write_parquet(tmp_path / "data" / "rlaif.parquet", rows, NECTAR_SCHEMA)
    t = run_step(ranked, NECTAR, path.parent, tmp_path / "out")
    accounted(t, 2)
    assert t["prompts"]["conversation"].to_list() == [
        [msg("user", "Sky colour?")],
        [msg("user", "Hi"), msg("assistant", "Hello!"), msg("user", "What is a tide?")]]
    assert t["prompts"]["source"].to_list() == ["anthropic-hh", "lmsys-chat-1m, sharegpt"]
    assert t["prompts"]["n_completions"].to_list() == [7, 4]
    assert t["ranks"].filter(t["ranks"]["record_id"] == 1)["rank"].to_list() == [1.0, 2.0, 2.0, 4.0]
    assert t["responses"].filter(t["responses"]["record_id"] == 0)["model"].to_list() == [f"m{i}" for i in range(7)]


BAD: list[tuple[str, Any, str, str]] = [
    ("a gap", record("\n\nHuman: q\n\nAssistant: ", [1, 2, 4]), "invalid:ranks", "ranks 1, 2, 4 are not 1..k"),
    ("a repeat", record("\n\nHuman: q\n\nAssistant: ", [1, 2, 2, 3]), "invalid:ranks", "ranks 1, 2, 2, 3"),
    ("no rank 1", record("\n\nHuman: q\n\nAssistant: ", [2, 3]), "invalid:ranks", "ranks 2, 3"),
    ("a fractional rank", record("\n\nHuman: q\n\nAssistant: ", [1, 2.5]), "invalid:ranks", "ranks 1, 2.5"),
    ("a rank that is no number", record("\n\nHuman: q\n\nAssistant: ", [1, "best"]), "invalid:ranks",
     'answer 2: rank "best" is not a number'),
    ("a missing rank", {"prompt": "\n\nHuman: q\n\nAssistant: ", "answers": [{"answer": "a", "model": "m"}]},
     "invalid:ranks", "answer 1: rank (missing) is not a number"),
    ("a blank answer", record("\n\nHuman: q\n\nAssistant: ", [1, 2], ["fine", "  "]), "invalid:answer",
     "answer 2: no answer string"),
    ("answers not a list", {"prompt": "\n\nHuman: q\n\nAssistant: ", "answers": "x"}, "invalid:answers",
     "'answers' is not a list of answers"),
    ("answers null", {"prompt": "\n\nHuman: q\n\nAssistant: ", "answers": None}, "invalid:answers",
     "'answers' is not a list of answers"),
    ("no answers", {"prompt": "\n\nHuman: q\n\nAssistant: "}, "invalid:missing_answers", "no 'answers'"),
    ("no prompt", {"answers": []}, "invalid:missing_prompt", "no 'prompt'"),
    ("a prompt without tags", record("what?", [1, 2]), "invalid:transcript", "prompt has no"),
    ("a prompt ending with an answer", record("\n\nHuman: q\n\nAssistant: already", [1, 2]), "invalid:transcript",
     "the last turn before the answer has role assistant, not user"),
]


def test_bad_ranked_records(tmp_path: Path) -> None:
    rows = [record("\n\nHuman: ok\n\nAssistant: ", [1, 2]), record("\n\nHuman: none\n\nAssistant: ", []),
            *[r for _, r, _, _ in BAD]]
    t = run_step(ranked, NECTAR, write_jsonl(tmp_path / "rlaif.jsonl", rows), tmp_path / "out")
    accounted(t, len(rows))
    assert t["prompts"].select("record_id", "n_completions").rows() == [(0, 2), (1, 0)]  # empty: valid, 0 answers
    found = reasons(t)
    for i, (name, _, reason, detail) in enumerate(BAD, start=2):
        assert found[i][0] == reason and detail in found[i][1], (name, found[i])
