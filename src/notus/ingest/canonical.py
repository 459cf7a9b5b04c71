"""The canonical shape every ingest writes and every curation step reads, whatever the dataset.

WHY one shape: curation (duplicates, decontamination, binarization, the split, the report, review) is the
same work for UltraFeedback, Anthropic HH, HelpSteer2 or Nectar once their records are the same tables.
So an ingest's only job is to map its format onto these five tables; a dataset may add columns of its own
(UltraFeedback keeps `principle`, `fine_grained_score`, the ratings' rationales).

- `prompts`: one row per input record. `conversation` is every turn before the answers (system, user,
  assistant), ending with the last user turn; `prompt` is that last user turn's text.
- `responses`: one row per candidate answer (`completion_index` = its position in the record).
  `overall_score` is a dataset's own single score for an answer, when it has one.
- `ratings`: one row per answer and aspect, with the aspect's scale.
- `ranks`: one row per ranked answer; 1 = best (pairwise data: chosen 1, rejected 2).
- `invalid`: one row per quarantined record, with `invalid:<what>` and where it is.

prompt_id: sha256 of the prompt text when the conversation is a single user turn (the H4 convention, so
UltraFeedback keeps its ids), else sha256 of the conversation as compact JSON,
`[{"role":"user","content":"..."},...]` (keys in that order, no spaces, UTF-8 unescaped), as DuckDB's
`to_json` writes it. Python's `json.dumps(conversation, ensure_ascii=False, separators=(",", ":"))` gives
the same text, except that DuckDB writes the hex digits of escaped control characters in upper case
(`\\u001F`); see `prompt_id_sql` and `prompt_id`.

The output queries below (`output_sql`) read one uniform "parsed" table, so every shape-specific ingest
only has to produce it: record_id, file_idx, line, reason, detail (NULL when valid), source,
conversation, prompt_id, record_hash, and `answers`, a list of ANSWER structs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence

import pyarrow as pa

MESSAGE = pa.struct([("role", pa.string()), ("content", pa.string())])
MESSAGE_SQL = "STRUCT(role VARCHAR, content VARCHAR)"
# One candidate answer as a shape-specific parse leaves it, before the tables are written.
ANSWER_SQL = ("STRUCT(response VARCHAR, model VARCHAR, overall_score DOUBLE, critique VARCHAR, rank DOUBLE, "
              "ratings STRUCT(aspect VARCHAR, rating DOUBLE)[])")

SCHEMAS: dict[str, pa.Schema] = {
    "prompts": pa.schema([
        ("record_id", pa.int64()), ("prompt_id", pa.string()), ("source", pa.string()), ("prompt", pa.string()),
        ("conversation", pa.list_(MESSAGE)), ("n_completions", pa.int32()), ("record_hash", pa.string()),
        ("file", pa.string()), ("line", pa.int64()),
    ]),
    "responses": pa.schema([
        ("record_id", pa.int64()), ("prompt_id", pa.string()), ("completion_index", pa.int32()),
        ("model", pa.string()), ("response", pa.string()), ("overall_score", pa.float64()),
        ("critique", pa.string()),
    ]),
    "ratings": pa.schema([
        ("record_id", pa.int64()), ("prompt_id", pa.string()), ("completion_index", pa.int32()),
        ("aspect", pa.string()), ("rating", pa.float64()), ("scale_min", pa.float64()), ("scale_max", pa.float64()),
    ]),
    "ranks": pa.schema([
        ("record_id", pa.int64()), ("prompt_id", pa.string()), ("completion_index", pa.int32()),
        ("rank", pa.float64()),
    ]),
    "invalid": pa.schema([
        ("record_id", pa.int64()), ("prompt_id", pa.string()), ("reason", pa.string()), ("detail", pa.string()),
    ]),
}
TABLES: dict[str, tuple[str, ...]] = {t: tuple(schema.names) for t, schema in SCHEMAS.items()}


def extended(extra: Mapping[str, Sequence[tuple[str, pa.DataType]]]) -> dict[str, pa.Schema]:
    """The canonical schemas with a dataset's own columns appended to some tables."""
    return {t: pa.schema([*schema, *[pa.field(n, k) for n, k in extra.get(t, ())]]) for t, schema in SCHEMAS.items()}


def prompt_id_sql(conversation: str) -> str:
    """SQL for a record's prompt_id from its conversation (see the module docstring)."""
    return (f"CASE WHEN len({conversation}) = 1 THEN sha256({conversation}[1].content) "
            f"ELSE sha256(CAST(to_json({conversation}) AS VARCHAR)) END")


def prompt_id(conversation: Sequence[Mapping[str, str]]) -> str:
    """The same id in Python (tests, tools): exact unless a turn holds a control character other than
    \\b \\f \\n \\r \\t (see the module docstring)."""
    if len(conversation) == 1:
        return hashlib.sha256(conversation[0]["content"].encode("utf-8")).hexdigest()
    turns = [{"role": m["role"], "content": m["content"]} for m in conversation]
    return hashlib.sha256(json.dumps(turns, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()


def record_hash_sql(source: str, conversation: str, answers: str) -> str:
    """A record's content hash (16 hex digits of DuckDB's 64-bit hash): exact duplicate records share it,
    whatever their formatting. Stable for one DuckDB version, which every step fingerprint includes."""
    return f"printf('%016x', hash({{'s': {source}, 'c': {conversation}, 'a': {answers}}}))"


def _where(table: str) -> str:
    return f"FROM {table} JOIN ingest_files AS f USING (file_idx)"


def prompts_sql(table: str) -> str:
    return f"""
SELECT record_id, prompt_id, source, conversation[len(conversation)].content AS prompt, conversation,
       CAST(len(answers) AS INTEGER) AS n_completions, record_hash, f.file, line
{_where(table)}
WHERE reason IS NULL
ORDER BY record_id
"""


def _answers(table: str) -> str:
    return f"""(SELECT record_id, prompt_id, unnest(answers) AS a,
                      CAST(unnest(range(len(answers))) AS INTEGER) AS completion_index
               FROM {table} WHERE reason IS NULL)"""


def responses_sql(table: str) -> str:
    return f"""
SELECT record_id, prompt_id, completion_index, a.model, a.response, a.overall_score, a.critique
FROM {_answers(table)}
"""


def ratings_sql(table: str, scale_min: float, scale_max: float) -> str:
    return f"""
SELECT record_id, prompt_id, completion_index, r.aspect, r.rating,
       CAST({float(scale_min)!r} AS DOUBLE) AS scale_min, CAST({float(scale_max)!r} AS DOUBLE) AS scale_max
FROM (SELECT record_id, prompt_id, completion_index, unnest(a.ratings) AS r FROM {_answers(table)})
"""


def ranks_sql(table: str) -> str:
    return f"""
SELECT record_id, prompt_id, completion_index, a.rank
FROM {_answers(table)}
WHERE a.rank IS NOT NULL
"""


def invalid_sql(table: str) -> str:
    """`detail` reads "<file> line|row|element N: what was wrong", as for every ingest."""
    return f"""
SELECT record_id, prompt_id, reason,
       f.file || ' ' || CASE f.kind WHEN 'parquet' THEN 'row' WHEN 'array' THEN 'element' ELSE 'line' END
           || ' ' || line || ': ' || detail AS detail
{_where(table)}
WHERE reason IS NOT NULL
ORDER BY record_id
"""


def output_sql(scale: tuple[float, float] = (0.0, 0.0)) -> dict[str, Callable[[str], str]]:
    """Table -> its query over a parsed table, for the shapes whose records are one input row each;
    `scale` is the (min, max) that every rating of this input is on. The biggest table first."""
    return {
        "responses": responses_sql,
        "ratings": lambda table: ratings_sql(table, *scale),
        "ranks": ranks_sql,
        "prompts": prompts_sql,
        "invalid": invalid_sql,
    }
