"""SQL for reading one JSON value of a record: its kind, its text, its number, a message list.

WHY values stay JSON until read here: a record is parsed once (`json_transform`) into a struct whose mapped
fields are kept as JSON text. That keeps what the data really holds — a column that should be a string
may be a message list, a number, null — so every rule can say what it found instead of a cast silently
turning `[1]` into the text "[1]". Reading a value's kind costs nothing (its first character); decoding a
string costs one more pass over that string only, never over the record.
"""

from __future__ import annotations

import json

from notus.core.sqlfile import literal

MESSAGES_TYPE = json.dumps([{"role": "VARCHAR", "content": "JSON"}])
ROLES = ("system", "user", "assistant")


def kind(value: str) -> str:
    """The JSON kind of a value in words ('string', 'list', 'object', 'number', 'boolean', 'null'),
    NULL when the value is absent (a missing key, or JSON null, which the parse cannot tell apart)."""
    return f"""CASE left({value}, 1) WHEN '"' THEN 'string' WHEN '[' THEN 'list' WHEN '{{' THEN 'object'
        WHEN 't' THEN 'boolean' WHEN 'f' THEN 'boolean' WHEN 'n' THEN 'null'
        ELSE CASE WHEN {value} IS NOT NULL THEN 'number' END END"""


def text(value: str) -> str:
    """A JSON string's content; NULL for anything else. (Decoding is one pass over the string; looking
    for escapes first to cut an unescaped one out of its quotes measured slower: most texts hold a \\n.)"""
    return f"""CASE WHEN left({value}, 1) = '"' THEN {value} ->> '$' END"""


def blank(text_sql: str) -> str:
    """Whether a text is NULL or only whitespace. A search for the first non-blank character stops at
    once on a real text, where trim() would copy it: answers are most of the bytes."""
    return f"({text_sql} IS NULL OR NOT regexp_matches({text_sql}, '\\S'))"


def label(value: str) -> str:
    """A short value as text for a label (a model name, a source): a string's content, a list of
    strings joined with ', ', anything else as its JSON text; NULL when absent."""
    return f"""CASE WHEN left({value}, 1) = '"' THEN {value} ->> '$'
        WHEN left({value}, 1) = '[' THEN coalesce(array_to_string(try(json_transform({value}, '["VARCHAR"]')), ', '),
                                                  CAST({value} AS VARCHAR))
        ELSE CAST({value} AS VARCHAR) END"""


def number(value: str) -> str:
    """A JSON number, or a string holding one ("7.5"), as DOUBLE; NULL otherwise (booleans included).
    Not necessarily finite: callers check the scale."""
    return f"""CASE WHEN left({value}, 1) = '"' THEN TRY_CAST({value} ->> '$' AS DOUBLE)
        WHEN left({value}, 1) IN ('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'N', 'I')
            THEN TRY_CAST(CAST({value} AS VARCHAR) AS DOUBLE) END"""


def shown(value: str, width: int = 40) -> str:
    """A value as it appears in the input, shortened, for a message."""
    return f"""CASE WHEN length(CAST({value} AS VARCHAR)) > {width}
        THEN left(CAST({value} AS VARCHAR), {width - 1}) || '…' ELSE CAST({value} AS VARCHAR) END"""


def messages(value: str) -> str:
    """A JSON list of {role, content} messages as LIST<STRUCT(role, content)>, NULL when `value` is not a
    list. A message that is not an object, or whose content is not a string, has NULL there: see
    `messages_problem`. Roles are lower-cased ("User" -> "user")."""
    return f"""CASE WHEN left({value}, 1) = '[' THEN list_transform(
            try(json_transform({value}, {literal(MESSAGES_TYPE)})),
            lambda m: {{'role': lower(m.role), 'content': {text('m.content')}}}) END"""


def messages_problem(msgs: str, what: str) -> str:
    """NULL, or what is wrong with a parsed message list (`messages`): empty, an element that is not a
    {role, content} object, an unknown role, a content that is not a string. `what` names the column."""
    roles = ", ".join(literal(r) for r in ROLES)
    bad = (f"list_position(list_transform({msgs}, lambda m: m IS NULL OR m.role IS NULL OR m.content IS NULL "
           f"OR m.role NOT IN ({roles})), true)")
    return f"""CASE WHEN {msgs} IS NULL THEN {literal(what)} || ' is not a list of messages'
        WHEN len({msgs}) = 0 THEN {literal(what)} || ' is an empty list'
        WHEN {bad} > 0 THEN {literal(what)} || ' message ' || {bad} || ' is not a {{role, content}} object with a '
            || 'role of {"/".join(ROLES)} and a string content' END"""
