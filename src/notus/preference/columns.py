"""The column mapping: which field of an input record holds the prompt, the answers, the scores.

WHY params: a mapping declared in the pipeline YAML is typed and checked before any data is read, and
enters the step fingerprint like any param, so a changed mapping makes a new version. Each mapping param
is a string naming a field:

    prompt_column: prompt                       a top-level field
    chosen_score_column: metadata.score_chosen  a field inside an object ('.' separates the keys)
    chosen_score_column: score_chosen|metadata.score_chosen   alternatives: the first one the record has
    chosen_score_column: chosen-rating          any key, hyphens included (Argilla's sets)
    system_column: ""                           not mapped

A record is parsed once with every mapped field read as JSON text (`record_type`); `Column.sql` is the
value of the first alternative that is present.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from notus.core.errors import UsageError

RECORD = "j"  # the parsed record's column name in the ingest SQL


@dataclass(frozen=True)
class Column:
    """One mapped field: the param that names it and its alternative key paths."""

    param: str
    paths: tuple[tuple[str, ...], ...]

    @classmethod
    def parse(cls, param: str, value: Any) -> Column | None:
        """None for "" (not mapped); UsageError naming the param for anything malformed."""
        if not isinstance(value, str):
            raise UsageError(f"param {param}: expected a field name (a string), got {value!r}")
        if not value.strip():
            return None
        paths = []
        for alternative in value.split("|"):
            keys = tuple(alternative.strip().split("."))
            if not all(keys):
                raise UsageError(f"param {param}: {value!r} has an empty field name (write 'a', 'a.b' or 'a|b')")
            paths.append(keys)
        return cls(param, tuple(paths))

    def sql(self, root: str = RECORD) -> str:
        """The field's JSON text: the first alternative present in the record, else NULL."""
        reads = [".".join([root, *(_quoted(k) for k in path)]) for path in self.paths]
        return reads[0] if len(reads) == 1 else f"coalesce({', '.join(reads)})"

    def describe(self) -> str:
        """How a message names the field: 'chosen' or 'score_chosen|metadata.score_chosen'."""
        return "|".join(".".join(path) for path in self.paths)

    def exists_sql(self, text: str = "text") -> str:
        """Whether the record's JSON `text` has the field at all (any alternative): a probe that parses the
        text again, for the rare records whose typed parse came out NULL."""
        paths = ["$" + "".join(f'."{k}"' if not k.isidentifier() else f".{k}" for k in path) for path in self.paths]
        return " OR ".join(f"json_exists({text}, {_sql_string(p)})" for p in paths)


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quoted(key: str) -> str:
    return '"' + key.replace('"', '""') + '"'


def columns(params: Mapping[str, Any], names: Iterable[str]) -> dict[str, Column | None]:
    """The mapping params named `names`, parsed."""
    return {name: Column.parse(name, params.get(name, "")) for name in names}


def required(found: Mapping[str, Column | None], name: str) -> Column:
    column = found[name]
    if column is None:
        raise UsageError(f"param {name}: this field is required; it cannot be empty")
    return column


def record_type(mapped: Iterable[Column | None], typed: Mapping[Column, Any] | None = None) -> str:
    """The `json_transform` type that reads every mapped field as JSON text, nested as the paths are;
    `typed` gives some fields a type of their own (a list of objects read in the same parse). A field that
    is also an object holding another mapped field (`meta` and `meta.score`) is refused: one parse cannot
    read it both ways."""
    tree: dict[str, Any] = {}
    for column in mapped:
        if column is None:
            continue
        for path in column.paths:
            node = tree
            for i, key in enumerate(path):
                last = i == len(path) - 1
                known = node.get(key)
                if (last and isinstance(known, dict)) or (not last and known == "JSON"):
                    raise UsageError(f"param {column.param}: '{'.'.join(path)}' is both a field and an object "
                                     "holding another mapped field; map one of them")
                leaf = (typed or {}).get(column, "JSON")
                node = node.setdefault(key, leaf if last else {})
    return json.dumps(tree)
