"""What a SQL step's text tells the engine: the tables it reads, the params and sources it uses, and
the statement itself without its prose.

Dependencies are read from the SQL itself (as SQLMesh does), so a spec never repeats them. DuckDB's own
parser finds the table names; comments and string literals are stripped before looking for `$param`.
The same parse tree, with the positions of tokens in the text left out, is what a SQL step's fingerprint
hashes (`normalized`): editing a comment or re-indenting a query keeps the version id, changing a token
does not.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import duckdb

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_SOURCE_VAR = re.compile(r"getvariable\(\s*'source_([A-Za-z0-9_]+)'\s*\)", re.IGNORECASE)
_COMMENT_OR_STRING = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'", re.DOTALL)


def strip_sql(text: str) -> str:
    """The statement without trailing semicolons or surrounding blanks, ready to wrap in COPY (...)."""
    return text.strip().rstrip(";").strip()


def used_params(text: str) -> list[str]:
    code = _COMMENT_OR_STRING.sub(" ", text)
    return sorted(set(_PARAM.findall(code)))


def used_sources(text: str) -> list[str]:
    return sorted(set(_SOURCE_VAR.findall(text)))


def literal(text: object) -> str:
    """`text` as a SQL string literal, for the few places a value must be part of a statement's text
    (a file path in DDL, a view's definition); everything else is bound as a parameter."""
    return "'" + str(text).replace("'", "''") + "'"


@functools.cache
def _tree(text: str) -> dict[str, Any]:
    tree = json.loads(duckdb.execute("SELECT json_serialize_sql($q)", {"q": strip_sql(text)}).fetchall()[0][0])
    if tree.get("error"):
        raise SqlSyntaxError(tree.get("error_message", "cannot parse"))
    return tree


def normalized(text: str) -> str:
    """The statement as DuckDB parsed it, without comments, layout or token positions: a SQL step's
    fingerprint, so that prose edits make no new version."""
    return json.dumps(_without_positions(_tree(text)), sort_keys=True, separators=(",", ":"))


def _without_positions(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_positions(v) for k, v in node.items() if not k.startswith("query_location")}
    if isinstance(node, list):
        return [_without_positions(v) for v in node]
    return node


def read_tables(text: str) -> set[str]:
    """Table names the statement reads, CTE names excluded, from DuckDB's parse tree (nothing is bound, so
    table functions over files that do not exist yet are fine). Raises SqlSyntaxError on a parse error."""
    tree = _tree(text)
    tables: set[str] = set()
    ctes: set[str] = set()
    _walk(tree, tables, ctes)
    return tables - ctes


class SqlSyntaxError(ValueError):
    """The SQL file does not parse."""


def _walk(node: Any, tables: set[str], ctes: set[str]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE" and node.get("table_name"):
            tables.add(str(node["table_name"]))
        for entry in (node.get("cte_map") or {}).get("map", []):
            ctes.add(str(entry.get("key")))
        for value in node.values():
            _walk(value, tables, ctes)
    elif isinstance(node, list):
        for value in node:
            _walk(value, tables, ctes)
