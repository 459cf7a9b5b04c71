"""Review queues: the sets of records and completions that need a decision, as SQL over a version's
published tables. `notus review` pages through them and `notus judge` asks a model about them, so both
mean the same thing by `review_needed` or `mismatches:score_defect`.

A queue is a query returning `(record_id, prompt_id, completion_index)`; completion_index is NULL for a
record-level queue. Table names in the SQL are the published tables' names, so the caller registers a
version's tables (and, for `chosen_differs`, the other version's `preferences` as `other_preferences`)
as views before running it.

    review_needed            completions the upstream fix could not settle (repair=true: overall_score 10
                             with 2 < mean rating <= 4, or no rating): the band OpenBMB re-asked GPT-4 about
    mismatches               completions flagged by any mismatch rule; `mismatches:<reason>` one rule
    contaminated             records that match a benchmark (pipelines with decontamination)
    chosen_differs           records whose chosen completion differs from another pipeline's choice
    everything               every record
"""

from __future__ import annotations

from dataclasses import dataclass

from notus.core.errors import UsageError


@dataclass(frozen=True)
class Queue:
    name: str
    level: str  # "completion" | "record"
    tables: tuple[str, ...]  # published tables it reads (other_preferences: the comparison version's)
    sql: str
    doc: str


_QUEUES = (
    Queue("review_needed", "completion", ("completions",),
          "SELECT record_id, prompt_id, completion_index FROM completions WHERE review_needed",
          "critique score 10 that the upstream rule could not settle (repair=true)"),
    Queue("mismatches", "completion", ("mismatches",),
          "SELECT DISTINCT record_id, prompt_id, completion_index FROM mismatches",
          "critique score at the top while the ratings or the critique text say otherwise"),
    Queue("contaminated", "record", ("contamination",),
          "SELECT DISTINCT record_id, prompt_id, CAST(NULL AS INTEGER) AS completion_index FROM contamination",
          "records that match a benchmark item"),
    Queue("chosen_differs", "record", ("preferences", "other_preferences"),
          "SELECT DISTINCT p.record_id, p.prompt_id, CAST(NULL AS INTEGER) AS completion_index "
          "FROM preferences p JOIN other_preferences o ON o.record_id = p.record_id "
          "WHERE o.chosen_index <> p.chosen_index",
          "records whose chosen completion differs from the other pipeline's"),
    Queue("everything", "record", ("prompts",),
          "SELECT record_id, prompt_id, CAST(NULL AS INTEGER) AS completion_index FROM prompts",
          "every record"),
)
QUEUES = {q.name: q for q in _QUEUES}


def queue(name: str, mismatch_reasons: tuple[str, ...] = ("score_defect", "negative_critique")) -> Queue:
    """The queue called `name` (`mismatches:<reason>` narrows to one rule); UsageError lists the names."""
    base, _, reason = name.partition(":")
    if base == "mismatches" and reason:
        if reason not in mismatch_reasons:
            raise UsageError(f"unknown mismatch reason '{reason}' (reasons: {', '.join(mismatch_reasons)})")
        found = QUEUES["mismatches"]
        return Queue(name, found.level, found.tables,
                     f"{found.sql} WHERE reason = '{reason}'", f"mismatches of rule {reason}")
    if reason or base not in QUEUES:
        known = ", ".join([*QUEUES, *(f"mismatches:{r}" for r in mismatch_reasons)])
        raise UsageError(f"unknown queue '{name}' (queues: {known})")
    return QUEUES[base]
