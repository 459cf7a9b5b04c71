"""SQL that turns the text formats of multi-turn data into conversations (LIST<STRUCT(role, content)>).

Two formats hold a whole dialogue in one string:
- Anthropic HH (also Nectar's prompts): `"\\n\\nHuman: …\\n\\nAssistant: …"`, repeated. Every
  `\\n\\nHuman:` / `\\n\\nAssistant:` starts a turn (user / assistant); leading whitespace of the string is
  ignored, any other text before the first tag is an error. A turn's content is trimmed.
- HelpSteer2's prompts: the first user turn as plain text, then `<extra_id_1>Assistant` / `<extra_id_1>User`
  lines (also `System`), each starting a turn whose content follows on the next lines. A tag anywhere but at
  the start of a line is an error.

Each `*_turns` function returns the turns and each `*_problem` NULL or what is wrong, for the ingest's
`invalid:transcript` detail. Splitting the answer off (the LAST Assistant turn, never the first: TRL
issue #1858) is the caller's: `init` and `last` below.
"""

from __future__ import annotations

from notus.core.sqlfile import literal

WHITESPACE = "e' \\t\\r\\n'"
_HH_TAG = "e'\\n\\n(Human|Assistant):'"
_HH_SPLIT = "e'\\n\\n(?:Human|Assistant):'"
_EXTRA = "<extra_id_1>"
_EXTRA_ROLES = {"User": "user", "Assistant": "assistant", "System": "system"}


def _hh_text(s: str) -> str:
    return f"(e'\\n\\n' || ltrim({s}, {WHITESPACE}))"


def hh_turns(s: str) -> str:
    """The turns of an HH transcript (roles user/assistant, contents trimmed)."""
    t = _hh_text(s)
    return f"""list_transform(
            list_zip(regexp_extract_all({t}, {_HH_TAG}, 1), list_slice(regexp_split_to_array({t}, {_HH_SPLIT}), 2, -1)),
            lambda x: {{'role': CASE WHEN x[1] = 'Human' THEN 'user' ELSE 'assistant' END,
                        'content': trim(x[2], {WHITESPACE})}})"""


def hh_problem(s: str, what: str) -> str:
    """NULL, or why `s` is not an HH transcript (no tag at all; text before the first tag)."""
    t = _hh_text(s)
    return f"""CASE WHEN NOT regexp_matches({t}, {_HH_TAG})
            THEN {literal(what)} || ' has no \\n\\nHuman: / \\n\\nAssistant: turns'
        WHEN trim(regexp_split_to_array({t}, {_HH_SPLIT})[1], {WHITESPACE}) <> ''
            THEN {literal(what)} || ' has text before its first Human: tag' END"""


def _extra_text(s: str) -> str:
    """Every turn tagged: a prompt that does not start with a tag starts with a user turn."""
    return (f"(CASE WHEN starts_with({s}, {literal(_EXTRA)}) THEN e'\\n' || {s} "
            f"ELSE e'\\n{_EXTRA}User\\n' || {s} END)")


def extra_id_turns(s: str) -> str:
    """The turns of a HelpSteer2 prompt; a segment whose tag names no known role has role NULL."""
    roles = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in _EXTRA_ROLES.items())
    segments = f"list_slice(string_split({_extra_text(s)}, e'\\n{_EXTRA}'), 2, -1)"
    return f"""list_transform({segments}, lambda g: {{
            'role': CASE trim(CASE WHEN strpos(g, e'\\n') = 0 THEN g ELSE left(g, strpos(g, e'\\n') - 1) END,
                              {WHITESPACE})
                    {roles} END,
            'content': CASE WHEN strpos(g, e'\\n') = 0 THEN ''
                            ELSE trim(substr(g, strpos(g, e'\\n') + 1), {WHITESPACE}) END}})"""


def extra_id_problem(s: str, turns: str) -> str:
    """NULL, or why a HelpSteer2 prompt does not parse: a tag that does not start a line, a tag naming
    no known role. `turns` is `extra_id_turns(s)`."""
    tags = f"(len(string_split({s}, {literal(_EXTRA)})) - 1)"
    started = f"(len(string_split({_extra_text(s)}, e'\\n{_EXTRA}')) - 1)"
    unknown = f"list_position(list_transform({turns}, lambda m: m.role IS NULL), true)"
    known = "/".join(_EXTRA_ROLES)
    return f"""CASE WHEN {started} <> {tags} + CASE WHEN starts_with({s}, {literal(_EXTRA)}) THEN 0 ELSE 1 END
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
