"""A version opened for review: one in-memory DuckDB connection with the version's tables, set up once.

WHY this split between views and tables: the long texts (prompts, responses, critiques) stay in the Parquet
files and are read a record at a time, while the small numeric tables a page filters and sorts on are copied
into DuckDB once, at start: `items` (every queue's members with the columns the filters use) and a few
per-record tables. The memory the app holds is therefore fixed when it starts, whatever is browsed after.
Queue membership is the SQL of `notus.verdicts.queues`, so review and judge mean the same rows.
"""

from __future__ import annotations

import duckdb

from notus.core.sqlfile import literal
from notus.core.version import Version
from notus.verdicts.queues import queue

REQUIRED = ("prompts", "responses", "completions")
# a table a version may lack, and the empty stand-in that keeps every query valid without it
OPTIONAL = {
    "mismatches": "record_id BIGINT, prompt_id VARCHAR, completion_index INTEGER, reason VARCHAR, evidence VARCHAR",
    "preferences": "record_id BIGINT, chosen_index INTEGER, rejected_index INTEGER, chosen_score DOUBLE, "
                   "chosen_rating DOUBLE, rejected_rating DOUBLE",
    "dropped": "record_id BIGINT, reason VARCHAR, detail VARCHAR",
    "contamination": "record_id BIGINT, benchmark VARCHAR, method VARCHAR, evidence VARCHAR",
    "verdicts": "verdict_id VARCHAR, action VARCHAR, prompt_id VARCHAR, completion_index INTEGER, author VARCHAR, "
                "created_at VARCHAR, note VARCHAR, score DOUBLE, status VARCHAR, detail VARCHAR",
}
# the per-record tables copied into memory (the versions' preferences without the conversations)
SMALL = {
    "comp": "SELECT * FROM completions",
    "pref": "SELECT record_id, chosen_index, rejected_index, chosen_score, chosen_rating, rejected_rating, "
            "chosen_rating - rejected_rating AS margin FROM preferences",
    "drop": "SELECT record_id, reason, detail FROM dropped",
    "mism": "SELECT record_id, completion_index, reason, evidence FROM mismatches",
    "contam": "SELECT record_id, benchmark, method, evidence FROM contamination",
    "vver": "SELECT verdict_id, action, prompt_id, completion_index, author, created_at, note, score, status, detail "
            "FROM verdicts",
    "excerpts": "SELECT record_id, left(prompt, 160) AS excerpt FROM prompts",
}


class MissingTable(ValueError):
    """The version lacks a table the review app cannot work without."""


def connect(version: Version, other: Version | None) -> tuple[duckdb.DuckDBPyConnection, tuple[str, ...]]:
    """The connection and the names of the queues this version can fill (in the order pages show them)."""
    missing = [t for t in REQUIRED if t not in version.tables]
    if missing:
        raise MissingTable(f"{version.path}: the review app needs table(s) {', '.join(missing)}, which this "
                           "version does not publish (rebuild it with the current pipelines)")
    con = duckdb.connect(config={"threads": 2})
    for table in (*REQUIRED, *OPTIONAL):
        if table in version.tables:
            con.execute(f'CREATE VIEW "{table}" AS SELECT * FROM read_parquet({literal(version.glob(table))})')
        else:
            con.execute(f'CREATE TABLE "{table}" ({OPTIONAL[table]})')
    if other is not None and "preferences" in other.tables:
        con.execute("CREATE VIEW other_preferences AS SELECT * FROM "
                    f"read_parquet({literal(other.glob('preferences'))})")
        con.execute("CREATE TABLE opref AS SELECT record_id, chosen_index, rejected_index FROM other_preferences")
    else:
        other = None
        con.execute("CREATE TABLE opref (record_id BIGINT, chosen_index INTEGER, rejected_index INTEGER)")
    for name, sql in SMALL.items():
        con.execute(f"CREATE TABLE {name} AS {sql}")
    con.execute("CREATE VIEW search_text AS "
                "SELECT record_id, lower(prompt) AS text FROM prompts UNION ALL "
                "SELECT record_id, lower(response) FROM responses UNION ALL "
                "SELECT record_id, lower(coalesce(critique, '')) FROM responses")
    names = queue_names(con, version, other is not None)
    _items(con, names)
    return con, names


def queue_names(con: duckdb.DuckDBPyConnection, version: Version, compare: bool) -> tuple[str, ...]:
    reasons = [r for (r,) in con.execute("SELECT DISTINCT reason FROM mism ORDER BY reason").fetchall()]
    names = ["review_needed", "mismatches", *(f"mismatches:{r}" for r in reasons)]
    if "contamination" in version.tables:
        names.append("contaminated")
    if compare:
        names.append("chosen_differs")
    return (*names, "everything")


def mismatch_reasons(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n.partition(":")[2] for n in names if n.startswith("mismatches:"))


def _items(con: duckdb.DuckDBPyConnection, names: tuple[str, ...]) -> None:
    """`items`: one row per (queue, member) with the columns filters and sorts use. A record-level member
    (completion_index NULL) is scored by its chosen completion; its models and reasons are all its
    completions'."""
    reasons = mismatch_reasons(names)
    members = " UNION ALL ".join(
        f"SELECT {literal(name)} AS queue, record_id, prompt_id, CAST(completion_index AS INTEGER) AS "
        f"completion_index FROM ({queue(name, reasons).sql})" for name in names)
    con.execute(f"""
        CREATE TABLE items AS
        WITH q AS ({members}),
        creasons AS (SELECT record_id, completion_index, list(DISTINCT reason ORDER BY reason) AS reasons
                     FROM mism GROUP BY ALL),
        rreasons AS (SELECT record_id, list(DISTINCT reason ORDER BY reason) AS reasons FROM mism GROUP BY ALL),
        rmodels AS (SELECT record_id, list(DISTINCT model ORDER BY model) AS models, any_value(source) AS source
                    FROM comp GROUP BY ALL)
        SELECT q.queue, q.record_id, q.prompt_id, q.completion_index,
               coalesce(c.source, m.source) AS source, c.model,
               CASE WHEN q.completion_index IS NULL THEN p.chosen_score ELSE c.overall_score END AS score,
               CASE WHEN q.completion_index IS NULL THEN p.chosen_rating ELSE c.mean_rating END AS mean,
               p.margin,
               coalesce(CASE WHEN q.completion_index IS NULL THEN rr.reasons ELSE cr.reasons END, []) AS reasons,
               CASE WHEN q.completion_index IS NULL THEN coalesce(m.models, []) ELSE [c.model] END AS models
        FROM q
        LEFT JOIN comp c ON c.record_id = q.record_id AND c.completion_index = q.completion_index
        LEFT JOIN rmodels m ON m.record_id = q.record_id
        LEFT JOIN pref p ON p.record_id = q.record_id
        LEFT JOIN creasons cr ON cr.record_id = q.record_id AND cr.completion_index = q.completion_index
        LEFT JOIN rreasons rr ON rr.record_id = q.record_id
    """)
    con.execute("CREATE TABLE live (prompt_id VARCHAR, completion_index INTEGER)")
