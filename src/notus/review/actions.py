"""A reviewer's action (a POSTed JSON object, or a bulk action over a filter) turned into checked verdicts.

WHY the server computes the keys: a verdict names a completion by its response's sha256, which only the
server can compute from the version's text; the page sends record and completion numbers only, so a page
cannot write a verdict about text it was not shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from notus.core.version import Version
from notus.review.data import Member, ReviewData
from notus.review.filters import RequestError
from notus.verdicts.format import Verdict, VerdictError, now, text_sha256

ONE = ("drop_record", "set_pair", "completion_defective", "completion_ok", "set_score")
BULK = ("drop_record", "completion_defective", "completion_ok")  # what a whole filter can be marked as


def verdict(data: ReviewData, body: Mapping[str, Any], author: str) -> Verdict:
    """The verdict a single action asks for; RequestError (400/404) says what is wrong with the request."""
    action = body.get("action")
    if action not in ONE:
        raise RequestError(f"action: expected one of {', '.join(ONE)}")
    record = data.record(_int(body, "record_id"))
    if record is None:
        raise RequestError("record_id: no such record in this version", 404)
    texts = {c["completion_index"]: c["response"] for c in record["completions"]}
    fields: dict[str, Any] = {"note": _note(body)}
    if action == "set_pair":
        chosen, rejected = _int(body, "chosen_index"), _int(body, "rejected_index")
        fields |= {"chosen_index": chosen, "chosen_sha256": _sha(texts, chosen),
                   "rejected_index": rejected, "rejected_sha256": _sha(texts, rejected)}
    elif action != "drop_record":
        index = _int(body, "completion_index")
        fields |= {"completion_index": index, "response_sha256": _sha(texts, index)}
        if action == "set_score":
            fields["score"] = _number(body, "score")
    return _checked(Verdict(action=action, prompt_id=record["prompt_id"], author=author, created_at=now(),
                            version_id=data.version.version_id, pipeline=data.version.pipeline, **fields))


def bulk(data: ReviewData, members: Iterable[Member], action: str, author: str, note: str = "") -> list[Verdict]:
    """One verdict per distinct key among `members` (a record twice in the filter is decided once)."""
    if action not in BULK:
        raise RequestError(f"action: a bulk action is one of {', '.join(BULK)}")
    version: Version = data.version
    verdicts: dict[tuple[str, int | None], Verdict] = {}
    for m in members:
        if action == "drop_record":
            key, fields = (m.prompt_id, None), {}
        else:
            if m.completion_index is None:
                raise RequestError(f"action: {action} needs a queue of completions; this one lists records")
            key = (m.prompt_id, m.completion_index)
            fields = {"completion_index": m.completion_index, "response_sha256": m.response_sha256}
        if key not in verdicts:
            verdicts[key] = _checked(Verdict(action=action, prompt_id=m.prompt_id, author=author, created_at=now(),
                                             version_id=version.version_id, pipeline=version.pipeline, note=note,
                                             **fields))
    return list(verdicts.values())


def _checked(v: Verdict) -> Verdict:
    try:
        return v.check()
    except VerdictError as exc:
        raise RequestError(str(exc)) from None


def _int(body: Mapping[str, Any], name: str) -> int:
    value = body.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise RequestError(f"{name}: expected a whole number >= 0")
    return value


def _number(body: Mapping[str, Any], name: str) -> float:
    value = body.get(name)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise RequestError(f"{name}: expected a number")
    return float(value)


def _note(body: Mapping[str, Any]) -> str:
    note = body.get("note") or ""
    if not isinstance(note, str):
        raise RequestError("note: expected text")
    return note


def _sha(texts: Mapping[int, str | None], index: int) -> str:
    if texts.get(index) is None:
        raise RequestError(f"completion {index}: this record has no such completion", 404)
    return text_sha256(str(texts[index]))
