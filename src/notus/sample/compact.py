"""The short-record shape (`notus sample --short-records`): the same records with about a third of the text.

WHY: ingest costs something per record and something per byte. The default sample's records (~12 kB, long
responses and rationales) let the per-byte part dominate, which hides a fixed per-record cost that real data
with shorter rows (~4-5 kB) pays in full; `make bench` measures both shapes.

A short record is its long twin cut down: the same prompt, models, ratings, scores, duplicates and planted
benchmark copies (the same random streams), with each response, system prompt and rationale cut to its first
sentence and each critique to its first two. The truth rows that rest on ratings and scores still hold; a
critique-text rule sees less text, so `truth.parquet`'s critique rows describe the long shape. It is a shape
for measuring speed, not for measuring the rules.
"""

from __future__ import annotations

import re
from typing import Any

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_RATIONALES = ("Rationale", "Rationale For Rating")


def first_sentences(text: str, n: int) -> str:
    """The first `n` sentences of `text` (all of it when it has no more), whitespace between them folded."""
    parts = _SENTENCE_END.split(text, maxsplit=n)
    return " ".join(parts[:n]) if len(parts) > n else text


def shorten(record: dict[str, Any]) -> dict[str, Any]:
    """The record with its texts cut (in place; returned for convenience)."""
    for completion in record.get("completions") or []:
        for key, keep in (("response", 1), ("custom_system_prompt", 1), ("critique", 2)):
            if isinstance(completion.get(key), str):
                completion[key] = first_sentences(completion[key], keep)
        _cut_rationales(completion.get("annotations"))
    return record


def _cut_rationales(node: Any) -> None:
    """Both annotation shapes: {aspect: {...}} and {aspect: [{...}]}."""
    if isinstance(node, list):
        for item in node:
            _cut_rationales(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in _RATIONALES and isinstance(value, str):
                node[key] = first_sentences(value, 1)
            else:
                _cut_rationales(value)
