"""Valid UltraFeedback records to start from, shaped like openbmb/UltraFeedback (the README's "Cairo"
example), and helpers to write them as JSON lines, JSON arrays or Hub-layout Parquet."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ASPECTS = ("helpfulness", "honesty", "instruction_following", "truthfulness")
MODELS = ("gpt-4", "llama-2-13b-chat", "wizardlm-7b", "falcon-40b-instruct", "ultralm-65b")


def annotations(ratings: Sequence[Any] = ("4", "5", "4", "5")) -> dict[str, Any]:
    """The struct shape, ratings given in ASPECTS order."""
    h, o, i, t = ratings
    return {
        "instruction_following": {"Rating": i, "Rationale": "Follows the instruction."},
        "honesty": {"Rating": o, "Rationale": "Confident and correct."},
        "truthfulness": {"Type": "None", "Rationale": "No hallucination.", "Rating": t,
                         "Rationale For Rating": "Free of hallucinations."},
        "helpfulness": {"Type": ["1", "2"], "Rationale": "Clear and relevant.", "Rating": h,
                        "Rationale For Rating": "Accurate and informative."},
    }


def list_shaped(ann: dict[str, Any]) -> dict[str, Any]:
    """The early release's shape: each aspect a one-item list of its struct."""
    return {aspect: [value] for aspect, value in ann.items()}


def completion(index: int = 0, ratings: Sequence[Any] = ("4", "5", "4", "5"), score: Any = 7.5) -> dict[str, Any]:
    return {
        "annotations": annotations(ratings),
        "critique": f"Critique of answer {index}: accurate and helpful.",
        "custom_system_prompt": "You are a helpful assistant.",
        "fine-grained_score": 4.5,
        "model": MODELS[index % len(MODELS)],
        "overall_score": score,
        "principle": "helpfulness",
        "response": f"Answer {index}: Cairo is the capital of Egypt. ✓",
    }


def record(prompt: str = "What is the capital of Egypt?", n: int = 4, source: str = "evol_instruct") -> dict[str, Any]:
    comps = [completion(i) for i in range(n)]
    return {
        "source": source,
        "instruction": prompt,
        "models": [c["model"] for c in comps],
        "completions": comps,
        "correct_answers": ["None"],
        "incorrect_answers": ["None"],
    }


def dumps(rec: Any) -> str:
    """One JSON line (no newline); NaN and Infinity stay literals, as Python's json writes them."""
    return json.dumps(rec, ensure_ascii=False)


def write_jsonl(path: Path, lines: Sequence[str | bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join((x if isinstance(x, bytes) else x.encode()) + b"\n" for x in lines))
    return path


def write_parquet(path: Path, records: Sequence[dict[str, Any]]) -> Path:
    """The Hub layout: completions list<struct>, annotations a struct of aspect structs. A Parquet column
    cannot mix the string "None" with lists, so `Type` is written as a list, empty for "None"."""
    rows = copy.deepcopy(list(records))
    for rec in rows:
        for comp in rec["completions"]:
            for aspect in ("truthfulness", "helpfulness"):
                t = comp["annotations"][aspect].get("Type")
                comp["annotations"][aspect]["Type"] = [] if t == "None" else t
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def json_line_count(data: bytes) -> int:
    """How many records a JSON-lines file holds: its non-blank lines (the oracle for accounting)."""
    return sum(1 for line in data.split(b"\n") if line.strip(b" \t\r"))


def as_json_array(records: Sequence[Any]) -> str:
    return json.dumps(list(records), indent=2, ensure_ascii=False)
