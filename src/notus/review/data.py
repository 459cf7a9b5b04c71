"""Every question a review page asks, as a parameterised DuckDB query on the server: a queue's page of
members, its progress, the next member after the one just reviewed, a whole filter's members for a bulk
action, and one record in full.

WHY server-side: a 64k-prompt build holds ~256k completions with their texts; the browser gets one page
of rows or one record, never a table. Request values are always bound parameters (see `filters`). One lock
serialises the connection, which DuckDB does not share between threads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl

from notus.core.version import Version
from notus.review.filters import Filters
from notus.review.tables import connect

PAGE_SIZE = 50
ULTRAFEEDBACK_ASPECTS = ("helpfulness", "honesty", "instruction_following", "truthfulness")
_REVIEWED = ("EXISTS (SELECT 1 FROM live l WHERE l.prompt_id = i.prompt_id AND (l.completion_index IS NULL "
             "OR i.completion_index IS NULL OR l.completion_index = i.completion_index))")
_STATUS = {"pending": "NOT reviewed", "reviewed": "reviewed", "all": "TRUE"}


@dataclass(frozen=True)
class Member:
    record_id: int
    prompt_id: str
    completion_index: int | None
    response_sha256: str | None = None  # set by `members` for a completion: the key its verdict needs


class ReviewData:
    def __init__(self, version: Version, other: Version | None = None) -> None:
        self.version, self.other = version, other
        self._con, self.queues = connect(version, other)
        self._lock = threading.Lock()
        self.version_verdict_ids = {v for (v,) in self._rows("SELECT verdict_id FROM vver")}

    def close(self) -> None:
        with self._lock:
            self._con.close()

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._con.execute(sql, list(params)).fetchall()

    def _dicts(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            cursor = self._con.execute(sql, list(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def set_live(self, keys: Iterable[tuple[str, int | None]]) -> None:
        """The (prompt_id, completion_index) keys that have a verdict now (None: the whole record)."""
        frame = pl.DataFrame(list(keys), schema={"prompt_id": pl.String, "completion_index": pl.Int32},
                             orient="row")
        with self._lock:
            self._con.register("live_frame", frame)
            self._con.execute("CREATE OR REPLACE TABLE live AS SELECT * FROM live_frame")
            self._con.unregister("live_frame")

    def _numbered(self, f: Filters) -> tuple[str, list[Any]]:
        """The filtered members numbered in sort order with their reviewed flag, status not yet applied."""
        where, params = f.where()
        return (f"SELECT i.*, {_REVIEWED} AS reviewed, row_number() OVER (ORDER BY {f.order()}) AS n "
                f"FROM items i WHERE {where}", params)

    def page(self, f: Filters, offset: int = 0, limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
        numbered, params = self._numbered(f)
        return self._dicts(
            f"SELECT page.*, e.excerpt FROM (SELECT * FROM ({numbered}) WHERE {_STATUS[f.status]} "
            "ORDER BY n LIMIT ? OFFSET ?) page LEFT JOIN excerpts e ON e.record_id = page.record_id ORDER BY n",
            [*params, limit, offset])

    def count(self, f: Filters) -> tuple[int, int]:
        """(members matching the filters and status, of which reviewed)."""
        numbered, params = self._numbered(f)
        ((total, reviewed),) = self._rows(
            f"SELECT count(*), count(*) FILTER (WHERE reviewed) FROM ({numbered}) WHERE {_STATUS[f.status]}", params)
        return int(total), int(reviewed)

    def progress(self) -> dict[str, tuple[int, int]]:
        """queue -> (reviewed, total), no filters: the numbers in the page's queue list."""
        rows = self._rows(f"SELECT queue, count(*) FILTER (WHERE {_REVIEWED}), count(*) FROM items i GROUP BY queue")
        found = {q: (int(r), int(t)) for q, r, t in rows}
        return {q: found.get(q, (0, 0)) for q in self.queues}

    def step(self, f: Filters, record_id: int | None, completion_index: int | None,
             backwards: bool = False) -> Member | None:
        """The member after (or before) the given one in this view, wrapping around; None when the view is
        empty. The given member may itself have left the view (it was just reviewed)."""
        numbered, params = self._numbered(f)
        compare, order = ("<", "DESC") if backwards else (">", "ASC")
        rows = self._rows(
            f"WITH f AS ({numbered}), here AS (SELECT min(n) AS n FROM f WHERE record_id = ? AND "
            "completion_index IS NOT DISTINCT FROM ?) "
            f"SELECT record_id, prompt_id, completion_index, (n {compare} coalesce((SELECT n FROM here), 0)) AS ahead "
            f"FROM f WHERE {_STATUS[f.status]} AND (record_id, completion_index) IS DISTINCT FROM (?, ?) "
            f"ORDER BY ahead DESC, n {order} LIMIT 1",
            [*params, record_id, completion_index, record_id, completion_index])
        return Member(int(rows[0][0]), str(rows[0][1]), rows[0][2]) if rows else None

    def members(self, f: Filters) -> list[Member]:
        """Every member of the view, all pages: what a bulk action acts on."""
        numbered, params = self._numbered(f)
        rows = self._rows(
            f"SELECT f.record_id, f.prompt_id, f.completion_index, sha256(r.response) FROM ({numbered}) f "
            "LEFT JOIN responses r ON r.record_id = f.record_id AND r.completion_index = f.completion_index "
            f"WHERE {_STATUS[f.status]} ORDER BY f.n", params)
        return [Member(int(r), str(p), c, h) for r, p, c, h in rows]

    def choices(self) -> dict[str, list[str]]:
        """The values the source, model and reason filters offer."""
        return {
            name: [v for (v,) in self._rows(f"SELECT DISTINCT {name} FROM {table} WHERE {name} IS NOT NULL ORDER BY 1")]
            for name, table in (("source", "comp"), ("model", "comp"), ("reason", "mism"))
        }

    def record_id(self, prompt_id: str) -> int | None:
        """The first record with this prompt (a verdict names prompts, pages name records)."""
        ((found,),) = self._rows("SELECT min(record_id) FROM comp WHERE prompt_id = ?", [prompt_id])
        return None if found is None else int(found)

    def record(self, record_id: int) -> dict[str, Any] | None:
        """One record in full: prompt, completions with texts, ratings, flags and evidence, each rule's pair,
        why it was dropped, contamination, and the verdicts the version applied."""
        prompt = self._dicts("SELECT record_id, prompt_id, source, prompt, conversation FROM prompts "
                             "WHERE record_id = ?", [record_id])
        if not prompt:
            return None
        completions = self._dicts(
            "SELECT c.*, r.response, r.critique FROM comp c LEFT JOIN responses r "
            "ON r.record_id = c.record_id AND r.completion_index = c.completion_index "
            "WHERE c.record_id = ? ORDER BY c.completion_index", [record_id])
        flags = self._dicts("SELECT completion_index, reason, evidence FROM mism WHERE record_id = ? "
                            "ORDER BY completion_index, reason", [record_id])
        for c in completions:
            c["flags"] = [f for f in flags if f["completion_index"] == c["completion_index"]]
            c["ratings"] = _ratings(c)
        return {
            **prompt[0],
            "completions": completions,
            "pair": _first(self._dicts("SELECT * FROM pref WHERE record_id = ?", [record_id])),
            "other_pair": _first(self._dicts("SELECT * FROM opref WHERE record_id = ?", [record_id])),
            "dropped": self._dicts("SELECT reason, detail FROM drop WHERE record_id = ?", [record_id]),
            "contamination": self._dicts("SELECT benchmark, method, evidence FROM contam WHERE record_id = ?",
                                         [record_id]),
            "verdicts": self._dicts("SELECT * FROM vver WHERE prompt_id = ? ORDER BY created_at",
                                    [prompt[0]["prompt_id"]]),
        }


def _ratings(completion: dict[str, Any]) -> list[tuple[str, Any]]:
    """(aspect, rating) pairs: UltraFeedback's four columns, or the other shapes' `aspect_ratings` list."""
    if completion.get("aspect_ratings") is not None:
        return [(a["aspect"], a["rating"]) for a in completion["aspect_ratings"]]
    return [(a, completion[a]) for a in ULTRAFEEDBACK_ASPECTS if a in completion]


def _first(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    return rows[0] if rows else None
