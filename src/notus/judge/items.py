"""What a judge run asks: the completions a review queue names, with their texts, as chat-completions requests.

WHY the queue's own SQL (`notus.verdicts.queues`) over the version's published tables: `notus review` and
`notus judge` then mean the same completions by `review_needed` or `mismatches:score_defect`. A completion
appears once per (prompt_id, completion_index, response_sha256), the key a verdict is about, so an exact
duplicate record is asked about once; its verdict applies to both copies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb

from notus.core.errors import UsageError
from notus.core.sqlfile import literal
from notus.core.version import Version
from notus.judge.cache import request_key
from notus.judge.prompts import Template
from notus.verdicts.format import text_sha256
from notus.verdicts.queues import Queue, queue

# where the instruction, the response, its critique and its rating mean are published
TEXT_TABLES = ("prompts", "responses", "completions")
RESPONSE_FORMAT = {"type": "json_schema", "json_schema": {"name": "judge_rating", "strict": True, "schema": {
    "type": "object", "properties": {"rating": {"type": "integer"}, "rationale": {"type": "string"}},
    "required": ["rating", "rationale"], "additionalProperties": False}}}


@dataclass(frozen=True)
class Sampling:
    temperature: float = 0.0
    max_tokens: int = 1024
    seed: int | None = None
    structured: bool = False

    def params(self) -> dict[str, Any]:
        """The body fields besides model and messages; all of them enter the request key."""
        return {"temperature": self.temperature, "max_tokens": self.max_tokens,
                "response_format": RESPONSE_FORMAT if self.structured else None, "seed": self.seed}


@dataclass(frozen=True)
class Target:
    """The completion a verdict is about."""

    record_id: int
    prompt_id: str
    completion_index: int
    response_sha256: str


@dataclass(frozen=True)
class JudgeRequest:
    target: Target
    key: str
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, str]]:
        return self.body["messages"]


def completion_queue(name: str) -> Queue:
    found = queue(name)
    if found.level != "completion":
        raise UsageError(f"--queue {name}: a queue of records, but a judge rates completions "
                         "(use review_needed, mismatches or mismatches:<reason>)")
    return found


def queued(version: Version, name: str) -> list[dict[str, Any]]:
    """The queue's completions with the template's variables, in (record_id, completion_index) order."""
    q = completion_queue(name)
    missing = [t for t in (*q.tables, *TEXT_TABLES) if t not in version.tables]
    if missing:
        raise UsageError(f"{version.path}: queue {name} needs table(s) {', '.join(missing)}, which this version "
                         "does not publish (rebuild it with the current pipelines)")
    con = duckdb.connect()
    try:
        for table in {*q.tables, *TEXT_TABLES}:
            con.execute(f'CREATE VIEW "{table}" AS SELECT * FROM read_parquet({literal(version.glob(table))})')
        rows = con.sql(f"""
            WITH q AS ({q.sql})
            SELECT DISTINCT ON (r.prompt_id, r.completion_index, sha256(r.response))
                   q.record_id, q.prompt_id, CAST(q.completion_index AS INTEGER) AS completion_index,
                   p.prompt AS instruction, p.source, r.model AS completion_model, r.principle, r.response,
                   coalesce(r.critique, '') AS critique, r.overall_score, c.mean_rating
            FROM q JOIN prompts p ON p.record_id = q.record_id
                   JOIN responses r ON r.record_id = q.record_id AND r.completion_index = q.completion_index
                   LEFT JOIN completions c ON c.record_id = q.record_id AND c.completion_index = q.completion_index
            WHERE r.response IS NOT NULL  -- never NULL in a notus build: ingest quarantines such a record
            ORDER BY r.prompt_id, r.completion_index, sha256(r.response), q.record_id
        """).pl()
    finally:
        con.close()
    return sorted(rows.to_dicts(), key=lambda r: (r["record_id"], r["completion_index"]))


def build(rows: Iterable[Mapping[str, Any]], template: Template, model: str, sampling: Sampling) -> list[JudgeRequest]:
    """One request per queued completion; the key hashes model, template, messages and sampling params."""
    params = sampling.params()
    requests = []
    for row in rows:
        messages = template.render(row, structured=sampling.structured)
        body = {"model": model, "messages": messages, **{k: v for k, v in params.items() if v is not None}}
        target = Target(int(row["record_id"]), str(row["prompt_id"]), int(row["completion_index"]),
                        text_sha256(str(row["response"])))
        requests.append(JudgeRequest(target, request_key(model, template.sha256, messages, params), body))
    return requests
