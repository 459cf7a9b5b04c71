"""SQL that turns the text formats of multi-turn data into conversations (LIST<STRUCT(role, content)>).

Two formats hold a whole dialogue in one string:
- Anthropic HH (also Nectar's prompts): `"\\n\\nHuman: …\\n\\nAssistant: …"`, repeated. Every
  `\\n\\nHuman:` / `\\n\\nAssistant:` (or such a tag at the start) starts a turn (user / assistant);
  leading whitespace of the string is ignored, any other text before the first tag is an error. The blanks
  around a tag are not part of a turn.
- HelpSteer2's prompts: the first user turn as plain text, then `<extra_id_1>Assistant` / `<extra_id_1>User`
  lines (also `System`), each starting a turn whose content follows on the next lines. A tag anywhere but at
  the start of a line is an error.

A transcript is cut once (`*_split`, a column of its own), then `*_turns` reads the turns and `*_problem`
NULL or what is wrong, for the ingest's `invalid:transcript` detail. Splitting the answer off (the LAST
Assistant turn, never the first: TRL issue #1858) is the caller's: `init` and `last` below.
"""

from __future__ import annotations

from notus.core.sqlfile import literal

WHITESPACE = "e' \\t\\r\\n'"
# A tag at the start of the string (after blanks) or after a blank line. The split also eats the blanks
# around a tag, so contents come out trimmed without copying them again (only the whitespace at the very
# end of a transcript stays).
_HH_TAG = r"'(?:^\s*|\s*\n\n)(Human|Assistant):'"
_HH_SPLIT = r"'(?:^\s*|\s*\n\n)(?:Human|Assistant):[ \t]*'"
_EXTRA = "<extra_id_1>"
_EXTRA_ROLES = {"User": "user", "Assistant": "assistant", "System": "system"}


def hh_split(s: str) -> str:
    """An HH transcript cut once: {roles: the tags' names, parts: the texts between them, parts[1]
    being the text before the first tag}. Read by `hh_turns` and `hh_problem`."""
    return f"{{'roles': regexp_extract_all({s}, {_HH_TAG}, 1), 'parts': regexp_split_to_array({s}, {_HH_SPLIT})}}"


def hh_turns(split: str) -> str:
    """The turns of a cut HH transcript (roles user/assistant)."""
    return f"""list_transform(list_zip({split}.roles, list_slice({split}.parts, 2, -1)),
            lambda x: {{'role': CASE WHEN x[1] = 'Human' THEN 'user' ELSE 'assistant' END, 'content': x[2]}})"""


def hh_problem(split: str, what: str) -> str:
    """NULL, or why a cut transcript is not an HH transcript (no tag at all; text before the first tag)."""
    return f"""CASE WHEN len({split}.roles) = 0 THEN {literal(what)} || ' has no \\n\\nHuman: / \\n\\nAssistant: turns'
        WHEN regexp_matches({split}.parts[1], '\\S') THEN {literal(what)} || ' has text before its first Human: tag'
        END"""


def extra_id_split(s: str) -> str:
    """A HelpSteer2 prompt cut at its tag lines: the first segment is the untagged first user turn (or,
    when the prompt starts with a tag, a tagged segment like the others)."""
    return f"string_split({s}, e'\\n{_EXTRA}')"


def extra_id_turns(s: str, split: str) -> str:
    """The turns of a cut HelpSteer2 prompt; a segment whose tag names no known role has role NULL."""
    roles = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in _EXTRA_ROLES.items())
    tagged = f"starts_with({s}, {literal(_EXTRA)})"
    return f"""list_transform({split}, lambda g, i: CASE WHEN i = 1 AND NOT {tagged}
            THEN {{'role': 'user', 'content': trim(g, {WHITESPACE})}}
            ELSE {{'role': CASE trim(split_part(CASE WHEN i = 1 THEN substr(g, {len(_EXTRA) + 1}) ELSE g END,
                                                e'\\n', 1),
                                     {WHITESPACE}) {roles} END,
                   'content': CASE WHEN strpos(g, e'\\n') = 0 THEN ''
                                   ELSE trim(substr(g, strpos(g, e'\\n') + 1), {WHITESPACE}) END}} END)"""


def extra_id_problem(s: str, turns: str) -> str:
    """NULL, or why a HelpSteer2 prompt does not parse: a tag that does not start a line, a tag naming
    no known role. `turns` is `extra_id_turns`."""
    unknown = f"list_position(list_transform({turns}, lambda m: m.role IS NULL), true)"
    known = "/".join(_EXTRA_ROLES)
    return f"""CASE WHEN regexp_matches({s}, '[^\\n]{_EXTRA}')
            THEN 'prompt has a {_EXTRA} tag that does not start a line'
        WHEN {unknown} > 0 THEN 'prompt turn ' || {unknown} || ': {_EXTRA} tag names no role of {known}' END"""


def init(turns: str) -> str:
    """Every turn but the last."""
    return f"list_slice({turns}, 1, len({turns}) - 1)"


def last(turns: str) -> str:
    return f"{turns}[len({turns})]"


def conversation_problem(conversation: str) -> str:
    """NULL, or why a conversation cannot be a prompt: no turns, or its last turn is not a user turn."""
    return f"""CASE WHEN coalesce(len({conversation}), 0) = 0 THEN 'there is no turn before the answer'
        WHEN {last(conversation)}.role <> 'user'
            THEN 'the last turn before the answer has role ' || {last(conversation)}.role || ', not user' END"""
