"""The parts every format's parse SQL shares: the one JSON parse of a record, the record-level rules, the
first-problem verdict, and the uniform parsed table the canonical output queries read.

A format's parse (pairwise, rated, ranked) is a chain of SELECTs over a slab's raw records:
`parsed_records` (json_transform once; `j` the struct of mapped fields as JSON text), the format's own
layers, then `finish`, which keeps the first problem found and the columns of the uniform parsed table
(see `notus.ingest.canonical`). Rules are (condition, reason, detail) triples checked in order, so each
record gets ONE reason: the first rule it breaks.
"""

from __future__ import annotations

from collections.abc import Sequence

from notus.core.sqlfile import literal
from notus.ingest.canonical import ANSWER_SQL, MESSAGE_SQL, prompt_id_sql, record_hash_sql

Rule = tuple[str, str, str]  # (SQL condition, reason, SQL detail)


def parsed_records(source_table: str, record_type: str) -> str:
    """Raw records (RAW_SCHEMA) with `j`, the record parsed once; NULL when the bytes were already
    condemned, the text is not JSON, or it is the JSON null. `file` names the record's input file."""
    return f"""SELECT r.record_id, r.file_idx, r.line, r.nbytes, r.reason AS read_reason, r.detail AS read_detail,
           r.text, f.file,
           CASE WHEN r.reason IS NULL THEN try(json_transform(r.text, {literal(record_type)})) END AS j
    FROM {source_table} AS r JOIN ingest_files AS f USING (file_idx)"""


def record_rules(fields: Sequence[str]) -> list[Rule]:
    """The rules on the record as a whole. `fields` are the SQL of its mapped values: a record where all
    of them are absent may not be an object at all (a list, a number), which only the text can tell."""
    nothing = " AND ".join(f"{f} IS NULL" for f in fields) or "true"
    kind = "json_type(text)"
    return [
        ("read_reason IS NOT NULL", "read_reason", "read_detail"),
        ("j IS NULL AND json_valid(text)", "'invalid:not_an_object'", "'a JSON null, not an object'"),
        ("j IS NULL", "'invalid:json'",
         "'not valid JSON (' || nbytes || ' bytes, ending ' || to_json(right(rtrim(text, e' \\t\\r\\n'), 40)) || ')'"),
        (f"{nothing} AND {kind} <> 'OBJECT'", "'invalid:not_an_object'",
         f"'a JSON ' || lower(CASE {kind} WHEN 'VARCHAR' THEN 'string' WHEN 'ARRAY' THEN 'list' "
         f"WHEN 'BIGINT' THEN 'number' WHEN 'UBIGINT' THEN 'number' WHEN 'DOUBLE' THEN 'number' ELSE {kind} END)"
         " || ', not an object'"),
    ]


def first_problem(rules: Sequence[Rule]) -> str:
    """A {reason, detail} struct for the first rule a record breaks, NULL when it breaks none. Each
    branch is evaluated only for the rows that reach it, so costly probes go last."""
    branches = "\n            ".join(
        f"WHEN {cond} THEN {{'reason': {reason}, 'detail': {detail}}}" for cond, reason, detail in rules)
    return f"CASE {branches} END"


def finish(table: str, rules: Sequence[Rule], source: str, conversation: str, answers: str) -> str:
    """The uniform parsed table (see `notus.ingest.canonical`) over `table`: the verdict from `rules`, and
    for every record whose conversation parsed, its prompt_id (quarantined ones too, so that a reviewer
    can find them by prompt)."""
    return f"""SELECT record_id, file_idx, line, verdict.reason AS reason, verdict.detail AS detail, source,
       conversation, CASE WHEN len(conversation) > 0 THEN {prompt_id_sql('conversation')} END AS prompt_id,
       {record_hash_sql('source', 'conversation', 'answers')} AS record_hash, answers
FROM (
    SELECT record_id, file_idx, line, {first_problem(rules)} AS verdict, {source} AS source,
           CAST({conversation} AS {MESSAGE_SQL}[]) AS conversation, CAST({answers} AS {ANSWER_SQL}[]) AS answers
    FROM ({table})
)"""


def answer(response: str, model: str = "NULL", score: str = "NULL", rank: str = "NULL",
           ratings: str = "[]") -> str:
    """One ANSWER struct (see `notus.ingest.canonical`)."""
    return (f"{{'response': {response}, 'model': {model}, 'overall_score': {score}, 'critique': NULL::VARCHAR, "
            f"'rank': {rank}, 'ratings': {ratings}}}")
