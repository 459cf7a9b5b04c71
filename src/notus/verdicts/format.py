"""The verdict format: what a reviewer (a person in `notus review`, or an LLM judge) decided about a record
or a completion, one JSON object per line under `data/verdicts/`.

WHY this shape: verdicts are an INPUT of the next version (the `verdicts` source of every curation
pipeline), so they must be append-only, diffable in git, safe to write from a web page or a judge while a
build reads them, and unambiguous about what they refer to even after the input changes:

- a record is keyed by its `prompt_id` (sha256 of the prompt text, as everywhere in notus);
- a completion by `prompt_id` + `completion_index` AND `response_sha256`, the sha256 of its response text:
  a verdict whose hash no longer matches the input is not applied (it is reported `stale`);
- `set_pair` names both completions the same way (`chosen_*`, `rejected_*`).

Line (JSON object, keys in this order, `null` where a field does not apply):
    {"verdict_id": "<sha256 of the rest>", "action": "completion_defective", "prompt_id": "…",
     "completion_index": 2, "response_sha256": "…", "score": null,
     "chosen_index": null, "chosen_sha256": null, "rejected_index": null, "rejected_sha256": null,
     "note": "critique says it ignores the question", "author": "human:anna",
     "created_at": "2026-12-02T16:40:00.123456Z", "version_id": "f8c7de99010c00a9", "pipeline": "notus",
     "judge": null}
`judge` (LLM judges only): {"model", "template_sha256", "rating", "rationale", "raw", "request_key"}.
A retract line ends with one more key, `"retracts": "<verdict_id withdrawn>"` (no other line has it).

Actions (record-level: drop_record, set_pair; the others are completion-level):
    drop_record           the record leaves the version: dropped, reason `reviewed`, the note as detail
    completion_defective  the completion takes no part in binarization
    completion_ok         the completion is fine as it is (a flag on it was a false alarm)
    set_score             a corrected critique score (`score`, 0..10) for the completion
    set_pair              this record's pair is (chosen, rejected), whatever the strategy would pick
    judge_failed          an LLM judge was asked and gave no usable answer (raw text in `judge.raw`);
                          changes nothing, kept so that nothing is silently lost
    retract               withdraws the verdict whose id is `retracts` (an undo in `notus review`): the
                          application treats that verdict as if it had never been written, so for its key
                          the verdict before it (if any) is in effect again. `prompt_id` repeats the
                          withdrawn verdict's; the other keys stay null. A retract names a verdict that is
                          not itself a retract; one naming an unknown id (or a retract) changes nothing.
                          WHY not "undo = write the opposite verdict": completion_ok is not the opposite of
                          completion_defective (it asserts a judgement nobody made), and there is no
                          opposite of set_score; a retract says exactly "forget that line", and the file
                          stays append-only. `retracts` is written only on retract lines, so the lines and
                          ids of every other action are unchanged by its existence.
Authors: `human:<name>` or `judge:<model>`. Which verdict wins for a key is the application step's rule
(the latest, a human's over a judge's); this module only defines, checks, reads and writes lines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RECORD_ACTIONS = ("drop_record", "set_pair")
COMPLETION_ACTIONS = ("completion_defective", "completion_ok", "set_score", "judge_failed")
RETRACT = "retract"
ACTIONS = (*RECORD_ACTIONS, *COMPLETION_ACTIONS, RETRACT)
SCORE_RANGE = (0.0, 10.0)  # the critique overall_score scale
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_AUTHOR = re.compile(r"^(human|judge):[^\s:][^\n]{0,199}$")


class VerdictError(ValueError):
    """A verdict line is malformed; the message says which field and why."""


def text_sha256(text: str) -> str:
    """The hash a completion is keyed by: sha256 of its response text, UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def now() -> str:
    """UTC, microseconds: the `created_at` of a new verdict (latest wins, so ties must be rare)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Verdict:
    action: str
    prompt_id: str
    author: str
    created_at: str
    version_id: str
    pipeline: str
    completion_index: int | None = None
    response_sha256: str | None = None
    score: float | None = None
    chosen_index: int | None = None
    chosen_sha256: str | None = None
    rejected_index: int | None = None
    rejected_sha256: str | None = None
    note: str = ""
    judge: Mapping[str, Any] | None = field(default=None)
    retracts: str | None = None  # retract only: the verdict_id withdrawn

    @property
    def is_human(self) -> bool:
        return self.author.startswith("human:")

    @property
    def key(self) -> tuple[str, int | None]:
        """What the verdict is about: (prompt_id, None) for a record, (prompt_id, index) for a completion."""
        return (self.prompt_id, None) if self.action in RECORD_ACTIONS else (self.prompt_id, self.completion_index)

    def body(self) -> dict[str, Any]:
        data = asdict(self)
        data["judge"] = dict(self.judge) if self.judge is not None else None
        body = {k: data[k] for k in _FIELDS}
        if self.retracts is not None:  # only retract lines carry it: other lines and their ids are unchanged
            body["retracts"] = self.retracts
        return body

    @property
    def verdict_id(self) -> str:
        return hashlib.sha256(json.dumps(self.body(), sort_keys=True).encode()).hexdigest()

    def to_json(self) -> str:
        return json.dumps({"verdict_id": self.verdict_id, **self.body()}, ensure_ascii=False)

    def check(self) -> Verdict:
        """Raise VerdictError unless every field suits the action; returns self."""
        if self.action not in ACTIONS:
            raise VerdictError(f"action: {self.action!r} is not one of {', '.join(ACTIONS)}")
        if not _SHA256.match(self.prompt_id or ""):
            raise VerdictError("prompt_id: expected the sha256 of the prompt (64 hex digits)")
        if not _AUTHOR.match(self.author or ""):
            raise VerdictError(f"author: expected human:<name> or judge:<model>, got {self.author!r}")
        if self.action in COMPLETION_ACTIONS:
            _index("completion_index", self.completion_index)
            _sha("response_sha256", self.response_sha256)
        if self.action == "set_score":
            low, high = SCORE_RANGE
            if not isinstance(self.score, int | float) or isinstance(self.score, bool) or not low <= self.score <= high:
                raise VerdictError(f"score: set_score needs a number in [{low:g}, {high:g}], got {self.score!r}")
        if self.action == "set_pair":
            _index("chosen_index", self.chosen_index)
            _index("rejected_index", self.rejected_index)
            _sha("chosen_sha256", self.chosen_sha256)
            _sha("rejected_sha256", self.rejected_sha256)
            if self.chosen_index == self.rejected_index:
                raise VerdictError("set_pair: chosen and rejected are the same completion")
        if (self.action == RETRACT) != (self.retracts is not None):
            raise VerdictError("retracts: a retract names the verdict_id it withdraws, and only a retract does")
        if self.retracts is not None and not _SHA256.match(str(self.retracts)):
            raise VerdictError("retracts: expected a verdict_id (64 hex digits)")
        if self.action == "judge_failed" and not (self.judge and "raw" in self.judge):
            raise VerdictError("judge_failed: needs judge.raw, the answer that could not be used")
        if len(self.note) > 10_000:
            raise VerdictError("note: longer than 10,000 characters")
        return self


_FIELDS = ("action", "prompt_id", "completion_index", "response_sha256", "score", "chosen_index", "chosen_sha256",
           "rejected_index", "rejected_sha256", "note", "author", "created_at", "version_id", "pipeline", "judge")


def _index(name: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise VerdictError(f"{name}: expected a completion index >= 0, got {value!r}")


def _sha(name: str, value: object) -> None:
    if not isinstance(value, str) or not _SHA256.match(value):
        raise VerdictError(f"{name}: expected the sha256 of the response text (64 hex digits)")


def retraction(verdict_id: str, prompt_id: str, author: str, version_id: str, pipeline: str,
               created_at: str | None = None, note: str = "") -> Verdict:
    """The retract line that withdraws the verdict `verdict_id` about `prompt_id` (see the module
    docstring); checked. The caller makes sure that verdict is not itself a retract."""
    return Verdict(action=RETRACT, prompt_id=prompt_id, author=author, created_at=created_at or now(),
                   version_id=version_id, pipeline=pipeline, note=note, retracts=verdict_id).check()


def parse(line: str) -> Verdict:
    """One JSON line -> a checked Verdict (VerdictError names the problem)."""
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise VerdictError(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise VerdictError("not a JSON object")
    unknown = sorted(set(data) - {"verdict_id", "retracts", *_FIELDS})
    if unknown:
        raise VerdictError(f"unknown field {unknown[0]!r}")
    missing = [k for k in ("action", "prompt_id", "author", "created_at", "version_id", "pipeline") if k not in data]
    if missing:
        raise VerdictError(f"missing field {missing[0]!r}")
    values = {k: data.get(k) for k in (*_FIELDS, "retracts")}
    values["note"] = values["note"] or ""
    if not isinstance(values["note"], str):
        raise VerdictError("note: expected a string")
    return Verdict(**values).check()


def read(path: Path) -> Iterator[tuple[int, Verdict | VerdictError]]:
    """(line number, verdict or the error that line has) for every non-blank line of a verdict file."""
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    yield number, parse(line)
                except VerdictError as exc:
                    yield number, exc


def append(path: Path, verdicts: Iterable[Verdict]) -> int:
    """Append verdicts to `path` and fsync before returning: once this returns, a crash loses none of
    them. Lines are written whole with one `write` per batch on an O_APPEND descriptor, so concurrent
    writers (the review page, a judge) never interleave inside a line."""
    lines = "".join(v.check().to_json() + "\n" for v in verdicts)
    if not lines:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, lines.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return lines.count("\n")
