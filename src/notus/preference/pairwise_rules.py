"""The rules that quarantine a pairwise record, in order: the first it breaks is its reason.

The columns they read are made by `pairwise.parse_sql`'s layers: the values as JSON text (`*_j`), as
strings (`*_s`) and message lists (`*_m`), the turns (`*_t`), the histories before the answers
(`*_hist`), the answers, the conversation, and the problem texts computed once (`*_problem`).

Quarantined (reason -> when), first rule first: invalid:json / not_an_object; missing_chosen /
missing_rejected / missing_prompt (field absent); chosen / rejected / prompt (not a string or a message
list; a malformed message; chosen and rejected of different kinds); transcript (an HH string that does
not parse, an answer that is not the last assistant turn, histories that differ, a conversation that
does not end with a user turn); prompt_mismatch; missing_prompt (blank last user turn); missing_chosen /
missing_rejected (a blank answer, or H4's "N/A" placeholder); identical_pair (chosen == rejected);
score (a score present but not a finite number in [score_min, score_max]; absent -> NULL).
"""

from __future__ import annotations

from collections.abc import Mapping

from notus.core.sqlfile import literal
from notus.preference import transcripts, values
from notus.preference.columns import Column
from notus.preference.parsing import Rule

PLACEHOLDER = "N/A"  # H4's content for a side that had no completion


def rules(cols: Mapping[str, Column | None], implicit: bool, lo: float, hi: float) -> list[Rule]:
    """The rules for this mapping (`implicit`: no prompt field; scores on [lo, hi])."""
    prompt = cols["prompt_column"]
    found: list[Rule] = []
    for s in ("chosen", "rejected"):
        found.append((f"{s}_j IS NULL", f"'invalid:missing_{s}'", literal(f"no '{name(cols, s)}' (missing or null)")))
    if prompt is not None:
        field = prompt.describe()
        found += [
            ("prompt_j IS NULL", "'invalid:missing_prompt'", literal(f"no '{field}' (missing or null)")),
            ("prompt_s IS NULL AND prompt_m IS NULL", "'invalid:prompt'",
             f"{literal(field)} || ' is a JSON ' || {values.kind('prompt_j')} || ', not a string or a message list'"),
            ("prompt_m IS NOT NULL AND prompt_problem IS NOT NULL", "'invalid:prompt'", "prompt_problem"),
        ]
    for s in ("chosen", "rejected"):
        field = name(cols, s)
        found += [
            (f"{s}_s IS NULL AND left({s}_j, 1) <> '['", f"'invalid:{s}'",
             f"{literal(field)} || ' is a JSON ' || {values.kind(s + '_j')} || ', not a string or a message list'"),
            (f"left({s}_j, 1) = '[' AND {s}_problem IS NOT NULL", f"'invalid:{s}'", f"{s}_problem"),
        ]
    found.append(("(chosen_s IS NULL) <> (rejected_s IS NULL)", "'invalid:rejected'",
                  "'chosen is a ' || " + values.kind("chosen_j") + " || ' while rejected is a ' || "
                  + values.kind("rejected_j")))
    if implicit:
        for s in ("chosen", "rejected"):
            found.append((f"{s}_hh_problem IS NOT NULL", "'invalid:transcript'", f"{s}_hh_problem"))
    for s in ("chosen", "rejected"):
        found.append((f"{s}_t IS NOT NULL AND {transcripts.last(s + '_t')}.role IS DISTINCT FROM 'assistant'",
                      "'invalid:transcript'", f"'{s} does not end with an assistant turn'"))
    first_diff = ("list_position(list_transform(list_zip(chosen_hist, rejected_hist), "
                  "lambda x: x[1] IS DISTINCT FROM x[2]), true)")
    found += [
        ("chosen_hist IS DISTINCT FROM rejected_hist", "'invalid:transcript'",
         f"'chosen and rejected differ before their last assistant turn (turn ' || {first_diff} || ')'"),
        ("conversation_problem IS NOT NULL", "'invalid:transcript'", "conversation_problem"),
    ]
    if prompt is not None:
        given, seen = f"{transcripts.last('prompt_conv')}.content", f"{transcripts.last('chosen_hist')}.content"
        found.append((f"len(chosen_hist) > 0 AND {seen} <> {given} "
                      f"AND trim({seen}, {transcripts.WHITESPACE}) <> trim({given}, {transcripts.WHITESPACE})",
                      "'invalid:prompt_mismatch'",
                      f"{literal(prompt.describe())} || ' differs from the last user turn of chosen'"))
    found.append((values.blank(f"{transcripts.last('conversation')}.content"), "'invalid:missing_prompt'",
                  "'the prompt (last user turn) is blank'"))
    for s in ("chosen", "rejected"):
        found += [
            (values.blank(f"{s}_answer"), f"'invalid:missing_{s}'",
             f"'the {s} answer is blank'"),
            (f"{s}_answer = {literal(PLACEHOLDER)}", f"'invalid:missing_{s}'",
             f"'the {s} answer is the placeholder \"{PLACEHOLDER}\" (the source had no completion for it)'"),
        ]
    found.append(("chosen_answer = rejected_answer", "'invalid:identical_pair'",
                  "'chosen and rejected are the same answer'"))
    for s, score in (("chosen", "cs"), ("rejected", "rs")):
        column = cols[f"{s}_score_column"]
        if column is not None:
            in_scale = f"coalesce(isfinite({score}) AND {score} BETWEEN {lo!r} AND {hi!r}, false)"
            found.append((f"{score}_j IS NOT NULL AND NOT {in_scale}",
                          "'invalid:score'",
                          f"{literal(column.describe())} || ' ' || {values.shown(score + '_j')} "
                          f"|| ' is not a number in [{lo:g}, {hi:g}]'"))
    return found


def name(cols: Mapping[str, Column | None], side: str) -> str:
    """How messages name a side's field: its mapping, or the side itself."""
    column = cols[f"{side}_column"]
    return column.describe() if column is not None else side
