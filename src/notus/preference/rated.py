"""Rated preference data: one row per response with per-aspect scores (nvidia/HelpSteer2: `prompt`,
`response`, helpfulness .. verbosity 0-4; the two responses of a prompt on consecutive rows; multi-turn
prompts in `<extra_id_1>` lines).

A record is a PROMPT: a run of consecutive valid rows of one file with the same prompt text. Its
record_id is the 0-based ordinal of its first row in the input (files in sorted order), its responses are
its rows in order (`responses.row_id` / `line` say which input row each came from), each aspect a
`ratings` row on [scale_min, scale_max]. A row that breaks a rule is quarantined on its own, with its own
ordinal as record_id, and the rows around it still group: every input row is in exactly one of
`responses` (of a valid record) and `invalid` (`sql/audit_rated_rows.sql` checks it). A prompt that comes
back later, not next to its first run, is a record of its own (same prompt_id, same split).

Two passes: each slab's rows are parsed once and spilled to Parquet in the step's scratch folder; then one
query groups the rows (a window over the input order) and the canonical tables are written from it.

Quarantined (reason -> when), first rule first: invalid:json / not_an_object; the prompt's rules
(`notus.preference.prompt`); missing_response (absent, or blank); response (not a string); rating (an
aspect missing, not a number, or outside [scale_min, scale_max]; names the aspect).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb
import pyarrow as pa

from notus.core.errors import UsageError
from notus.core.sqlfile import literal
from notus.core.step import StepContext, polars_step
from notus.ingest import canonical, slabs
from notus.ingest.records import RecordFile
from notus.ingest.writers import TableWriters
from notus.preference import ingest, prompt, runs, values
from notus.preference.columns import Column, columns, record_type, required
from notus.preference.parsing import Rule, answer, first_problem, parsed_records, record_rules

MAPPING = ("prompt_column", "response_column", "model_column", "source_column")
PARAMS = ("max_record_bytes", *MAPPING, "rating_columns", "scale_min", "scale_max", "prompt_format")
SCHEMAS = canonical.extended({"responses": [("row_id", pa.int64()), ("line", pa.int64())]})
TABLES = {t: tuple(s.names) for t, s in SCHEMAS.items()}


@polars_step("preference.rated", writes=TABLES, params=PARAMS, sources=("input",))
def rated(ctx: StepContext) -> dict[str, Any]:
    """Rated rows (prompt, response, one score per aspect) -> the canonical tables, consecutive rows of a
    prompt forming one record; bad rows go to `invalid` with the reason and the file and line."""
    scale = _scale(ctx.params)
    parse = parse_sql(ctx.params)
    spill = ctx.workdir / "rows"
    spill.mkdir(parents=True, exist_ok=True)

    def work(con: duckdb.DuckDBPyConnection, files: list[RecordFile], writers: TableWriters) -> int:
        def keep(number: int) -> None:
            con.execute(f"COPY {slabs.PARSED} TO {literal(spill / f'rows-{number:06d}.parquet')} (FORMAT parquet)")

        records = slabs.ingest_slabs(files, parse, con, ingest.max_bytes(ctx), keep)
        runs.group(con, spill)
        queries = {**canonical.output_sql(scale), "responses": runs.responses_sql}
        appender = slabs.TableAppender(con, writers, queries)
        try:
            appender.append("records")
        finally:
            appender.close()
        return records

    return ingest.run_with(ctx, "rated preference records", SCHEMAS, work)


def _scale(params: Mapping[str, Any]) -> tuple[float, float]:
    lo, hi = float(params["scale_min"]), float(params["scale_max"])
    if lo > hi:
        raise UsageError(f"params scale_min/scale_max: {lo:g} > {hi:g}")
    return lo, hi


def _ratings(params: Mapping[str, Any]) -> list[Column]:
    names = params.get("rating_columns")
    if not isinstance(names, list) or not names:
        raise UsageError("param rating_columns: expected a non-empty list of the fields holding the scores")
    found = [Column.parse("rating_columns", name) for name in names]
    if any(c is None for c in found):
        raise UsageError("param rating_columns: a field name is empty")
    return [c for c in found if c is not None]


def parse_sql(params: Mapping[str, Any]) -> ingest.Parse:
    """The per-row parse of one slab: the uniform columns plus `group_key` (the prompt as given)."""
    cols = columns(params, MAPPING)
    prompt_col, response_col = required(cols, "prompt_column"), required(cols, "response_column")
    ratings = _ratings(params)
    lo, hi = _scale(params)
    fmt = str(params["prompt_format"])
    rtype = record_type([*cols.values(), *ratings])
    model, source = cols["model_column"], cols["source_column"]
    raw_ratings = "[" + ", ".join(
        f"{{'aspect': {literal(c.describe())}, 'j': {c.sql()}, 'value': {values.number(c.sql())}}}" for c in ratings
    ) + "]"
    bad = (f"list_position(list_transform(raw_ratings, lambda r: NOT coalesce(isfinite(r.value) "
           f"AND r.value BETWEEN {lo!r} AND {hi!r}, false)), true)")
    p_name, r_name = prompt_col.describe(), response_col.describe()

    def parse(source_table: str) -> str:
        layer = parsed_records(source_table, rtype)
        layer = f"""SELECT *, {prompt.read_columns(prompt_col.sql())}, {response_col.sql()} AS response_j,
               {values.text(response_col.sql())} AS response_s,
               {values.label(model.sql()) if model else 'NULL'} AS model,
               coalesce({values.label(source.sql()) if source else 'NULL'}, file) AS source,
               {raw_ratings} AS raw_ratings FROM ({layer})"""
        layer = f"SELECT *, {prompt.split_columns(fmt)} FROM ({layer})"
        layer = f"SELECT *, {prompt.turn_columns(fmt)}, {bad} AS bad_rating FROM ({layer})"
        layer = f"SELECT *, {prompt.conversation_columns(fmt, p_name)} FROM ({layer})"
        layer = f"SELECT *, {prompt.problem_columns()} FROM ({layer})"
        rules = [*record_rules([prompt_col.sql(), response_col.sql(), *(c.sql() for c in ratings)]),
                 *prompt.rules(p_name), *_row_rules(r_name, lo, hi)]
        ratings_list = "list_transform(raw_ratings, lambda r: {'aspect': r.aspect, 'rating': r.value})"
        return f"""SELECT record_id, file_idx, line, verdict.reason AS reason, verdict.detail AS detail, source,
               CAST(conversation AS {canonical.MESSAGE_SQL}[]) AS conversation, CAST(prompt_j AS VARCHAR) AS group_key,
               CAST({answer('response_s', 'model', ratings=ratings_list)} AS {canonical.ANSWER_SQL}) AS answer
        FROM (SELECT *, {first_problem(rules)} AS verdict FROM ({layer}))"""

    return parse


def _row_rules(name: str, lo: float, hi: float) -> list[Rule]:
    return [
        ("response_j IS NULL", "'invalid:missing_response'", literal(f"no '{name}' (missing or null)")),
        ("response_s IS NULL", "'invalid:response'",
         f"{literal(name)} || ' is a JSON ' || {values.kind('response_j')} || ', not a string'"),
        (values.blank("response_s"), "'invalid:missing_response'", f"'{name} is blank'"),
        ("bad_rating > 0 AND raw_ratings[bad_rating].j IS NULL", "'invalid:rating'",
         "'no ''' || raw_ratings[bad_rating].aspect || ''' (missing or null)'"),
        ("bad_rating > 0", "'invalid:rating'",
         f"raw_ratings[bad_rating].aspect || ' ' || {values.shown('raw_ratings[bad_rating].j')} "
         f"|| ' is not a number in [{lo:g}, {hi:g}]'"),
    ]
