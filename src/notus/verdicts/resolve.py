"""Which verdicts count: the rules that turn a folder of verdict lines into effects on one input.

WHY in plain Python: verdicts are few (a reviewer's day is hundreds, a judge run thousands) and the rules
are about order and authority, which read more clearly as code than as window functions. The heavy part,
checking response hashes against the input, is done by the step on just the completions verdicts name.

Rules, in order:
1. A line that is not a valid verdict is `invalid` (with the reason) and changes nothing.
2. A verdict about a prompt no record of this input has is `not_in_input` (a verdicts folder may serve
   several datasets, or an older input). One whose record is here but whose response text is not — the
   sha256 of the response it names (for set_pair: of both) differs from the input's text at that index, or
   the record has no such completion — is `stale`.
3. A `judge_failed` line is kept and shown (`no_effect`): a judge that failed decides nothing.
   A `retract` line (an undo) withdraws the verdict it names: that verdict is `retracted` and counts as
   never written, so the verdict before it on the same key is in effect again; the retract itself is
   `applied`, or `no_effect` when it names no verdict (an unknown id, or another retract).
4. For each key — a record (drop_record, set_pair) or a completion (the other actions) — the winner is the
   latest human verdict if a human judged the key, else the latest judge verdict ("latest" by created_at,
   then by file and line). It is `applied`.
5. Every other verdict on the key is `conflicting` when it is by another author of the same kind (two
   people, or two models) and decides differently, else `superseded` (the author changed their mind, a
   person overruled a judge, or it agrees with the winner).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from notus.verdicts.format import RETRACT, Verdict

APPLIED, STALE, SUPERSEDED, CONFLICTING, NO_EFFECT, INVALID, RETRACTED, NOT_IN_INPUT = (
    "applied", "stale", "superseded", "conflicting", "no_effect", "invalid", "retracted", "not_in_input")


@dataclass
class Entry:
    """One line of a verdict file and what became of it."""

    file: str
    line: int
    verdict: Verdict | None
    status: str = ""
    detail: str = ""

    @property
    def order(self) -> tuple[str, str, int]:
        assert self.verdict is not None
        return (self.verdict.created_at, self.file, self.line)


def decision(v: Verdict) -> tuple[object, ...]:
    """What a verdict decides, for comparing two verdicts on one key."""
    if v.action == "set_score":
        return (v.action, float(v.score or 0))
    if v.action == "set_pair":
        return (v.action, v.chosen_index, v.rejected_index)
    return (v.action,)


def resolve(entries: Iterable[Entry], matches: Callable[[Verdict], tuple[str, str] | None]) -> list[Entry]:
    """Give every entry its status; `matches(v)` returns None when v fits the input, else (NOT_IN_INPUT or
    STALE, why). Returns the entries in their original order."""
    entries = list(entries)
    _retract(entries)
    by_key: dict[tuple[str, int | None], list[Entry]] = {}
    for e in entries:
        if e.verdict is None:
            e.status = e.status or INVALID
            continue
        if e.status:  # a retract, or a verdict it withdrew
            continue
        problem = matches(e.verdict)
        if problem is not None:
            e.status, e.detail = problem
        elif e.verdict.action == "judge_failed":
            e.status, e.detail = NO_EFFECT, "the judge gave no usable answer"
        else:
            by_key.setdefault(e.verdict.key, []).append(e)
    for group in by_key.values():
        humans = [e for e in group if e.verdict and e.verdict.is_human]
        winner = max(humans or group, key=lambda e: e.order)
        winner.status = APPLIED
        for e in group:
            if e is winner:
                continue
            assert e.verdict is not None and winner.verdict is not None
            rival = (e.verdict.author != winner.verdict.author and e.verdict.is_human == winner.verdict.is_human
                     and decision(e.verdict) != decision(winner.verdict))
            e.status = CONFLICTING if rival else SUPERSEDED
            e.detail = f"{winner.verdict.author} decided {winner.verdict.action} at {winner.verdict.created_at}"
    return entries


def _retract(entries: list[Entry]) -> None:
    """Mark every retract line and the verdict it withdraws."""
    by_id = {e.verdict.verdict_id: e for e in entries if e.verdict is not None and e.verdict.action != RETRACT}
    for e in entries:
        v = e.verdict
        if v is None or v.action != RETRACT:
            continue
        target = by_id.get(v.retracts or "")
        if target is None:
            e.status, e.detail = NO_EFFECT, "it names no verdict of this folder (an unknown id, or a retract)"
            continue
        e.status = APPLIED
        target.status, target.detail = RETRACTED, f"withdrawn by {v.author} at {v.created_at}"
