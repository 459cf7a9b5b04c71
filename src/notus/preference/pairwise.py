"""Pairwise preference data: a prompt (or a prompt implicit in full transcripts) with a chosen and a
rejected answer. One record = one input row = one pair; the answers become completions 0 (chosen, rank 1)
and 1 (rejected, rank 2).

The forms a record may take, told apart per record by the JSON kind of its values:
- explicit prompt (`prompt_column` mapped), answers as strings: the real ultrafeedback_binarized rows in
  ../shared/data, Argilla's distilabel-orca pairs (with `system_column`). conversation = [system?, user].
- explicit prompt, answers as message lists ending with the assistant turn (HuggingFaceH4/
  ultrafeedback_binarized, Argilla's cleaned UltraFeedback): the history is chosen[:-1] and must equal
  rejected[:-1]; when it is not empty its last user turn must be the prompt (else `prompt_mismatch`).
  An explicit prompt given as a message list is the conversation when the answers hold only the reply.
- implicit prompt (`prompt_column: ""`), message lists (Skywork): the history chosen[:-1] is the prompt.
- implicit prompt, strings: Anthropic HH transcripts, split on the LAST Assistant turn; chosen and
  rejected must agree on every turn before it.

The rules that quarantine a record are in `pairwise_rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from notus.core.errors import UsageError
from notus.core.step import StepContext, polars_step
from notus.preference import ingest, transcripts, values
from notus.preference.columns import Column, columns, record_type, required
from notus.preference.pairwise_rules import name, rules
from notus.preference.parsing import answer, finish, parsed_records, record_rules

MAPPING = ("prompt_column", "system_column", "chosen_column", "rejected_column", "chosen_score_column",
           "rejected_score_column", "chosen_model_column", "rejected_model_column", "source_column")
PARAMS = ("max_record_bytes", *MAPPING, "score_min", "score_max")


@polars_step("preference.pairwise", writes=ingest.TABLES, params=PARAMS, sources=("input",))
def pairwise(ctx: StepContext) -> dict[str, Any]:
    """Pairwise records (prompt + chosen + rejected, strings, message lists or HH transcripts) -> the
    canonical tables; bad records go to `invalid` with the reason and the file and line."""
    return ingest.run(ctx, parse_sql(ctx.params), "pairwise preference records",
                      scale=(float(ctx.params["score_min"]), float(ctx.params["score_max"])))


def parse_sql(params: Mapping[str, Any]) -> ingest.Parse:
    """The parse of one slab (see `notus.preference.parsing`) for this mapping."""
    cols = columns(params, MAPPING)
    chosen, rejected = required(cols, "chosen_column"), required(cols, "rejected_column")
    prompt = cols["prompt_column"]
    lo, hi = float(params["score_min"]), float(params["score_max"])
    if lo > hi:
        raise UsageError(f"params score_min/score_max: {lo} > {hi}")
    rtype = record_type(cols.values())

    def v(column: Column | None) -> str:
        return column.sql() if column is not None else "NULL::JSON"

    implicit = prompt is None
    fields = [v(c) for c in cols.values() if c is not None]

    def values_layer(table: str) -> str:
        return f"""SELECT *, {v(prompt)} AS prompt_j, {v(cols['system_column'])} AS system_j,
               {chosen.sql()} AS chosen_j, {rejected.sql()} AS rejected_j,
               {values.number(v(cols['chosen_score_column']))} AS cs, {v(cols['chosen_score_column'])} AS cs_j,
               {values.number(v(cols['rejected_score_column']))} AS rs, {v(cols['rejected_score_column'])} AS rs_j,
               {values.label(v(cols['chosen_model_column']))} AS chosen_model,
               {values.label(v(cols['rejected_model_column']))} AS rejected_model,
               coalesce({values.label(v(cols['source_column']))}, file) AS source
        FROM ({table})"""

    def typed_layer(table: str) -> str:
        """Each value read as a string and as messages; HH strings (implicit prompt) cut once at their tags,
        then made turns."""
        turns, splits = [], []
        for s in ("chosen", "rejected"):
            hh = f"WHEN {s}_s IS NOT NULL THEN {transcripts.hh_turns(s + '_split')} " if implicit else ""
            turns.append(f"CASE WHEN {s}_m IS NOT NULL THEN {s}_m {hh}END AS {s}_t")
            splits.append(f"{transcripts.hh_split(s + '_s') if implicit else 'NULL'} AS {s}_split")
        return f"""SELECT *, {', '.join(turns)} FROM (SELECT *, {', '.join(splits)} FROM (
            SELECT *, {values.text('prompt_j')} AS prompt_s, {values.messages('prompt_j')} AS prompt_m,
                   {values.text('system_j')} AS system_s,
                   {values.text('chosen_j')} AS chosen_s, {values.messages('chosen_j')} AS chosen_m,
                   {values.text('rejected_j')} AS rejected_s, {values.messages('rejected_j')} AS rejected_m
            FROM ({table})))"""

    def shaped_layer(table: str) -> str:
        system = (f"CASE WHEN NOT {values.blank('system_s')} THEN [{{'role': 'system', 'content': system_s}}] "
                  "ELSE [] END")
        prompt_conv = (f"CASE WHEN prompt_m IS NOT NULL THEN prompt_m WHEN prompt_s IS NOT NULL THEN "
                       f"list_concat({system}, [{{'role': 'user', 'content': prompt_s}}]) END")
        return f"""SELECT *, CASE WHEN len(chosen_hist) > 0 THEN chosen_hist ELSE prompt_conv END AS conversation
        FROM (SELECT *,
                 CASE WHEN chosen_t IS NOT NULL THEN {transcripts.last('chosen_t')}.content ELSE chosen_s END
                     AS chosen_answer,
                 CASE WHEN rejected_t IS NOT NULL THEN {transcripts.last('rejected_t')}.content ELSE rejected_s END
                     AS rejected_answer,
                 {transcripts.init('chosen_t')} AS chosen_hist, {transcripts.init('rejected_t')} AS rejected_hist,
                 {prompt_conv} AS prompt_conv
              FROM ({table}))"""

    def checks_layer(table: str) -> str:
        """The costlier problem texts, computed once per record and read by the rules."""
        found = [f"{values.messages_problem(s + '_m', name(cols, s))} AS {s}_problem"
                 for s in ("prompt", "chosen", "rejected") if s != "prompt" or prompt is not None]
        if implicit:
            found += [f"CASE WHEN {s}_s IS NOT NULL THEN {transcripts.hh_problem(s + '_split', s)} END "
                      f"AS {s}_hh_problem" for s in ("chosen", "rejected")]
        found.append(f"{transcripts.conversation_problem('conversation')} AS conversation_problem")
        return f"SELECT *, {', '.join(found)} FROM ({table})"

    def parse(source_table: str) -> str:
        layers = checks_layer(shaped_layer(typed_layer(values_layer(parsed_records(source_table, rtype)))))
        answers = (f"[{answer('chosen_answer', 'chosen_model', 'cs', '1.0')}, "
                   f"{answer('rejected_answer', 'rejected_model', 'rs', '2.0')}]")
        return finish(layers, [*record_rules(fields), *rules(cols, implicit, lo, hi)], "source", "conversation",
                      answers)

    return parse
