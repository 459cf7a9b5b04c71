"""A prompt field that holds the whole conversation before the answers (rated and ranked data): a string
in one of the text formats of `transcripts`, or a message list.

`prompt_format` says how a string is read:
- `text`: the whole string is one user turn;
- `extra_id`: HelpSteer2's `<extra_id_1>User` / `<extra_id_1>Assistant` lines;
- `hh`: an Anthropic HH transcript (Nectar's prompts).
A message list is read as messages whatever the format. A trailing empty assistant turn (Nectar's prompts
end with the `\\n\\nAssistant: ` tag the answers fill in) is the answer's slot and is removed. The
conversation must then end with a non-blank user turn.

The `*_columns` functions are the SELECT lists of successive layers (so that each piece is computed once);
`rules` reads their columns (prompt_j, prompt_s, prompt_m, prompt_problem, conversation, conversation_problem).
"""

from __future__ import annotations

from notus.core.sqlfile import literal
from notus.preference import transcripts, values
from notus.preference.parsing import Rule

FORMATS = ("text", "extra_id", "hh")


def read_columns(prompt_json: str) -> str:
    """Layer 1: the value as a string and as messages."""
    return (f"{prompt_json} AS prompt_j, {values.text(prompt_json)} AS prompt_s, "
            f"{values.messages(prompt_json)} AS prompt_m")


def split_columns(fmt: str) -> str:
    """Layer 2: a string prompt cut once at its turn tags (NULL for `text`)."""
    if fmt == "hh":
        return f"{transcripts.hh_split('prompt_s')} AS prompt_split"
    if fmt == "extra_id":
        return f"{transcripts.extra_id_split('prompt_s')} AS prompt_split"
    return "NULL AS prompt_split"


def turn_columns(fmt: str) -> str:
    """Layer 3: the turns, before the answer's slot is removed."""
    if fmt == "hh":
        turns = transcripts.hh_turns("prompt_split")
    elif fmt == "extra_id":
        turns = transcripts.extra_id_turns("prompt_s", "prompt_split")
    else:
        turns = "[{'role': 'user', 'content': prompt_s}]"
    return f"CASE WHEN prompt_m IS NOT NULL THEN prompt_m WHEN prompt_s IS NOT NULL THEN {turns} END AS prompt_turns"


def conversation_columns(fmt: str, name: str) -> str:
    """Layer 4: the conversation, and what is wrong with the value or its turns."""
    t = "prompt_turns"
    slot = (f"len({t}) > 0 AND {transcripts.last(t)}.role = 'assistant' "
            f"AND {values.blank(transcripts.last(t) + '.content')}")
    if fmt == "hh":
        text_problem = transcripts.hh_problem("prompt_split", name)
    elif fmt == "extra_id":
        text_problem = transcripts.extra_id_problem("prompt_s", t)
    else:
        text_problem = "NULL"
    problem = (f"CASE WHEN prompt_m IS NOT NULL OR left(prompt_j, 1) = '[' THEN "
               f"{values.messages_problem('prompt_m', name)} WHEN prompt_s IS NOT NULL THEN {text_problem} END")
    conversation = f"CASE WHEN {slot} THEN {transcripts.init(t)} ELSE {t} END"
    return f"{conversation} AS conversation, {problem} AS prompt_problem"


def problem_columns() -> str:
    """Layer 5: what is wrong with the conversation."""
    return f"{transcripts.conversation_problem('conversation')} AS conversation_problem"


def rules(name: str) -> list[Rule]:
    """The prompt's rules, in order (after the record-level ones)."""
    last = transcripts.last("conversation")
    return [
        ("prompt_j IS NULL", "'invalid:missing_prompt'", literal(f"no '{name}' (missing or null)")),
        ("prompt_s IS NULL AND left(prompt_j, 1) <> '['", "'invalid:prompt'",
         f"{literal(name)} || ' is a JSON ' || {values.kind('prompt_j')} || ', not a string or a message list'"),
        ("left(prompt_j, 1) = '[' AND prompt_problem IS NOT NULL", "'invalid:prompt'", "prompt_problem"),
        ("prompt_problem IS NOT NULL", "'invalid:transcript'", "prompt_problem"),
        ("conversation_problem IS NOT NULL", "'invalid:transcript'", "conversation_problem"),
        (values.blank(f"{last}.content"), "'invalid:missing_prompt'",
         "'the prompt (last user turn) is blank'"),
    ]
