"""What a page request may ask for: a queue, filters and a sort, parsed from the query string and checked.

WHY a closed set: every value a browser sends ends up in a DuckDB query, so the column names and sort keys
come from the tables below (never from the request) and every value is a bound parameter. A value that does
not parse is a `RequestError`, which the app answers with a 400 and one line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlencode

STATUSES = ("pending", "reviewed", "all")
# sort key -> the ORDER BY expression over the `items` table (a column, never request text)
SORTS = {"record": "record_id", "score": "score", "mean": "mean", "margin": "margin"}
MAX_TEXT = 200


class RequestError(ValueError):
    """A request the app refuses: the message is one line, shown to the user with a 4xx status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Filters:
    """The current queue view. `status`: pending (no verdict yet), reviewed, or all."""

    queue: str = "review_needed"
    status: str = "pending"
    source: str = ""
    model: str = ""
    reason: str = ""
    q: str = ""
    score_min: float | None = None
    score_max: float | None = None
    mean_min: float | None = None
    mean_max: float | None = None
    sort: str = "record"
    desc: bool = False

    @classmethod
    def parse(cls, params: Mapping[str, str], queues: tuple[str, ...]) -> Filters:
        """Filters from a query string; RequestError names the first bad parameter."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = params.get(f.name, "")
            if raw == "":
                continue
            if len(raw) > MAX_TEXT:
                raise RequestError(f"{f.name}: longer than {MAX_TEXT} characters")
            if f.name.endswith(("_min", "_max")):
                values[f.name] = _number(f.name, raw)
            elif f.name == "desc":
                values["desc"] = raw in ("1", "true", "on")
            else:
                values[f.name] = raw
        found = cls(**values)
        if found.queue not in queues:
            raise RequestError(f"queue: unknown queue {found.queue!r} (queues: {', '.join(queues)})")
        if found.status not in STATUSES:
            raise RequestError(f"status: expected one of {', '.join(STATUSES)}")
        if found.sort not in SORTS:
            raise RequestError(f"sort: expected one of {', '.join(SORTS)}")
        return found

    def where(self) -> tuple[str, list[Any]]:
        """The WHERE clause over `items` (aliased i) and its parameters, status excepted: `data` applies the
        status after numbering the rows, so that 'next' still knows where the item just reviewed stood."""
        clauses, params = ["i.queue = ?"], [self.queue]
        if self.source:
            clauses.append("i.source = ?")
            params.append(self.source)
        if self.model:  # a record-level member matches when any of its completions is by that model
            clauses.append("list_contains(i.models, ?)")
            params.append(self.model)
        if self.reason:
            clauses.append("list_contains(i.reasons, ?)")
            params.append(self.reason)
        for name, column in (("score", "i.score"), ("mean", "i.mean")):
            low, high = getattr(self, f"{name}_min"), getattr(self, f"{name}_max")
            if low is not None:
                clauses.append(f"{column} >= ?")
                params.append(low)
            if high is not None:
                clauses.append(f"{column} <= ?")
                params.append(high)
        if self.q:
            clauses.append("i.record_id IN (SELECT record_id FROM search_text WHERE contains(text, ?))")
            params.append(self.q.lower())
        return " AND ".join(clauses), params

    def order(self) -> str:
        """ORDER BY over `items`: the sort key, then record and completion for a stable order."""
        direction = "DESC" if self.desc else "ASC"
        return f"i.{SORTS[self.sort]} {direction} NULLS LAST, i.record_id, i.completion_index NULLS FIRST"

    def query_string(self, **changes: Any) -> str:
        """This view as a query string (defaults left out), with `changes` applied."""
        view = replace(self, **changes)
        default = Filters()
        pairs = {f.name: getattr(view, f.name) for f in fields(view)
                 if getattr(view, f.name) != getattr(default, f.name) or f.name == "queue"}
        return urlencode({k: ("1" if v is True else v) for k, v in pairs.items()})


def _number(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise RequestError(f"{name}: expected a number, got {raw[:40]!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise RequestError(f"{name}: expected a finite number")
    return value
