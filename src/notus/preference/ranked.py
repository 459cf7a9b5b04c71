"""Ranked preference data: a prompt with k answers and their ranks (berkeley-nest/Nectar: `answers`
list<{answer, model, rank}>, rank 1 = best, the HH-format prompt holding the history). One record = one
input row; answer i becomes completion i with its rank in `ranks` and its model in `responses`.

Ranks: whole numbers, the best is 1, ties share a place and the next place is skipped (the standard
competition ranking a ranking with ties gives: 1, 2, 2, 4). Sorted, every rank equals its position or the
rank before it; anything else (a gap: 1, 2, 4; a repeat the places do not account for: 1, 2, 2, 3; no
rank 1) is `invalid:ranks`.

Quarantined (reason -> when), first rule first: invalid:json / not_an_object; the prompt's rules
(`notus.preference.prompt`: missing_prompt, prompt, transcript, missing_prompt when blank);
missing_answers (field absent); answers (not a list); answer (an element without a string answer, or a
blank one; names the element); ranks (a rank missing or not a number; a rank list with gaps or repeats).
An empty answer list is valid: binarization drops it as too_few_completions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from notus.core.errors import UsageError
from notus.core.sqlfile import literal
from notus.core.step import StepContext, polars_step
from notus.preference import ingest, prompt, values
from notus.preference.columns import columns, record_type, required
from notus.preference.parsing import Rule, answer, finish, parsed_records, record_rules

MAPPING = ("prompt_column", "answers_column", "source_column")
FIELDS = ("answer_field", "model_field", "rank_field")  # keys inside each element of the answers list
PARAMS = ("max_record_bytes", *MAPPING, *FIELDS, "prompt_format")


@polars_step("preference.ranked", writes=ingest.TABLES, params=PARAMS, sources=("input",))
def ranked(ctx: StepContext) -> dict[str, Any]:
    """Ranked records (a prompt, a list of answers with ranks) -> the canonical tables; bad records go to
    `invalid` with the reason and the file and line."""
    return ingest.run(ctx, parse_sql(ctx.params), "ranked preference records")


def parse_sql(params: Mapping[str, Any]) -> ingest.Parse:
    cols = columns(params, MAPPING)
    prompt_col, answers_col = required(cols, "prompt_column"), required(cols, "answers_column")
    fields = {}
    for key in FIELDS:
        value = params.get(key)
        if not isinstance(value, str) or not value.strip():
            raise UsageError(f"param {key}: expected the name of a key of each answer, got {value!r}")
        fields[key] = value.strip()
    fmt = str(params["prompt_format"])
    # The answers are read in the record's one parse, each field as JSON text (so a kind can be told).
    rtype = record_type(cols.values(), {answers_col: [{fields[key]: "JSON" for key in FIELDS}]})
    source = cols["source_column"]
    a = {k: '"' + v.replace('"', '""') + '"' for k, v in fields.items()}
    items = (f"list_transform(answers_j, lambda a: {{"
             f"'response': {values.text('a.' + a['answer_field'])}, 'model': {values.label('a.' + a['model_field'])}, "
             f"'rank_j': a.{a['rank_field']}, 'rank': {values.number('a.' + a['rank_field'])}}})")
    p_name, ans_name = prompt_col.describe(), answers_col.describe()

    def parse(source_table: str) -> str:
        layer = parsed_records(source_table, rtype)
        layer = f"""SELECT *, {prompt.read_columns(prompt_col.sql())}, {answers_col.sql()} AS answers_j,
               coalesce({values.label(source.sql()) if source else 'NULL'}, file) AS source FROM ({layer})"""
        layer = f"SELECT *, {prompt.split_columns(fmt)} FROM ({layer})"
        layer = f"SELECT *, {prompt.turn_columns(fmt)}, {items} AS items FROM ({layer})"
        bad_answer = f"list_position(list_transform(items, lambda a: {values.blank('a.response')}), true)"
        bad_rank = "list_position(list_transform(ranks, lambda r: NOT coalesce(isfinite(r), false)), true)"
        layer = f"SELECT *, list_transform(items, lambda a: a.rank) AS ranks FROM ({layer})"
        layer = f"""SELECT *, {prompt.conversation_columns(fmt, p_name)}, {bad_answer} AS bad_answer,
               {bad_rank} AS bad_rank, list_sort(ranks) AS sorted_ranks
               FROM ({layer})"""
        in_place = ("list_bool_and(list_transform(sorted_ranks, "
                    "lambda r, i: r = i OR (i > 1 AND r = sorted_ranks[i - 1])))")
        layer = f"SELECT *, {prompt.problem_columns()}, coalesce({in_place}, true) AS ranks_ok FROM ({layer})"
        answers = f"list_transform(items, lambda a: {answer('a.response', 'a.model', rank='a.rank')})"
        rules = [*record_rules([prompt_col.sql(), answers_col.sql()]), *prompt.rules(p_name),
                 *_answer_rules(ans_name, answers_col.exists_sql(), fields)]
        return finish(layer, rules, "source", "conversation", answers)

    return parse


def _answer_rules(name: str, exists: str, fields: Mapping[str, str]) -> list[Rule]:
    shown_ranks = "array_to_string(list_transform(sorted_ranks, lambda r: printf('%g', r)), ', ')"
    return [
        (f"answers_j IS NULL AND NOT ({exists})", "'invalid:missing_answers'",
         literal(f"no '{name}' (missing)")),
        ("answers_j IS NULL", "'invalid:answers'", literal(f"'{name}' is not a list of answers (objects)")),
        ("bad_answer > 0", "'invalid:answer'",
         f"'answer ' || bad_answer || ': no {fields['answer_field']} string, or a blank one'"),
        ("bad_rank > 0", "'invalid:ranks'",
         f"'answer ' || bad_rank || ': {fields['rank_field']} ' || coalesce({values.shown('items[bad_rank].rank_j')}, "
         "'(missing)') || ' is not a number'"),
        ("NOT ranks_ok", "'invalid:ranks'",
         f"'ranks ' || {shown_ranks} || ' are not 1..k with ties sharing the best place (a gap or a repeat)'"),
    ]
