"""Rated rows into records: a prompt's run of consecutive valid rows of one file is one record.

WHY a second pass: a run may straddle two slabs, so the rows of every slab are parsed once and spilled to
Parquet (`rated.rated`), then one query numbers the runs with a window over the input order and gathers
each run's answers, in row order, into the uniform parsed table (`notus.ingest.canonical`) plus the input
row (`row_ids`, `lines`) of every answer. A quarantined row stays a record of its own, under its own ordinal.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from notus.core.errors import DataError, first_line
from notus.core.sqlfile import literal
from notus.ingest import canonical

GROUP_SQL = """
WITH valid AS (
    SELECT * FROM rows WHERE reason IS NULL
), marked AS (
    SELECT *, CASE WHEN lag(file_idx) OVER w IS DISTINCT FROM file_idx
                        OR lag(group_key) OVER w IS DISTINCT FROM group_key THEN 1 ELSE 0 END AS starts
    FROM valid WINDOW w AS (ORDER BY record_id)
), grouped AS (
    SELECT *, sum(starts) OVER (ORDER BY record_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS grp FROM marked
), records AS (
    SELECT min(record_id) AS record_id, arg_min(file_idx, record_id) AS file_idx, arg_min(line, record_id) AS line,
           NULL::VARCHAR AS reason, NULL::VARCHAR AS detail, arg_min(source, record_id) AS source,
           arg_min(conversation, record_id) AS conversation, list(answer ORDER BY record_id) AS answers,
           list(record_id ORDER BY record_id) AS row_ids, list(line ORDER BY record_id) AS lines
    FROM grouped GROUP BY grp
    UNION ALL
    SELECT record_id, file_idx, line, reason, detail, source, conversation, [] AS answers, [record_id], [line]
    FROM rows WHERE reason IS NOT NULL
)
SELECT record_id, file_idx, line, reason, detail, source, conversation,
       CASE WHEN len(conversation) > 0 THEN {prompt_id} END AS prompt_id, {record_hash} AS record_hash, answers,
       row_ids, lines
FROM records
ORDER BY record_id
"""


def group(con: duckdb.DuckDBPyConnection, spill: Path) -> None:
    """All parsed rows -> table `records`: one row per prompt run (uniform parsed columns + row_ids,
    lines) and one per quarantined row."""
    files = sorted(spill.glob("rows-*.parquet"))
    listed = ", ".join(literal(f) for f in files)
    source = (f"read_parquet([{listed}])" if files else
              "(SELECT NULL::BIGINT AS record_id, NULL::INTEGER AS file_idx, NULL::BIGINT AS line, "
              "NULL::VARCHAR AS reason, "
              f"NULL::VARCHAR AS detail, NULL::VARCHAR AS source, NULL::{canonical.MESSAGE_SQL}[] AS conversation, "
              f"NULL::VARCHAR AS group_key, NULL::{canonical.ANSWER_SQL} AS answer WHERE false)")
    query = GROUP_SQL.format(prompt_id=canonical.prompt_id_sql("conversation"),
                             record_hash=canonical.record_hash_sql("source", "conversation", "answers"))
    try:
        con.execute(f"CREATE OR REPLACE TEMP VIEW rows AS SELECT * FROM {source}")
        con.execute(f"CREATE OR REPLACE TABLE records AS {query}")
    except duckdb.Error as exc:
        raise DataError(f"ingest failed grouping rows into prompts: {first_line(exc)}") from None


def responses_sql(table: str) -> str:
    """The canonical responses plus the input row of each (`row_id`, its ordinal; `line`)."""
    return f"""
SELECT record_id, prompt_id, CAST(completion_index AS INTEGER) AS completion_index, a.model, a.response,
       a.overall_score, a.critique, row_id, line
FROM (SELECT record_id, prompt_id, unnest(answers) AS a, unnest(row_ids) AS row_id, unnest(lines) AS line,
             unnest(range(len(answers))) AS completion_index
      FROM {table} WHERE reason IS NULL)
"""
