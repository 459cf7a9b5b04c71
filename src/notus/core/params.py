"""Typed pipeline params: declared in the spec with a type and default, overridden with `--set KEY=VALUE`.

Types are few on purpose (int, float, number, str, bool, list): they are what SQL can bind as values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

PARAM_TYPES = ("int", "float", "number", "str", "bool", "list")


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: str
    default: Any
    doc: str = ""


def type_ok(kind: str, value: Any) -> bool:
    """Whether `value` has the declared kind (bool is not an int here, to catch `seed: true`)."""
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, float | int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "str":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "list":
        return isinstance(value, list)
    return False


def infer_type(value: Any) -> str | None:
    for kind in ("bool", "int", "float", "str", "list"):
        if type_ok(kind, value):
            return kind
    return None


def parse_value(kind: str, text: str) -> Any:
    """Parse a command-line value for a param of `kind`; raise ValueError with a readable reason."""
    if kind == "str":
        return text
    if kind == "bool":
        low = text.strip().lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"expected true or false, got {text!r}")
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"expected an integer, got {text!r}") from None
    if kind in ("float", "number"):
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"expected a number, got {text!r}") from None
        if kind == "number" and number.is_integer() and "." not in text and "e" not in text.lower():
            return int(number)
        return number
    if kind == "list":
        stripped = text.strip()
        if stripped.startswith("["):
            try:
                value = json.loads(stripped)
            except ValueError:
                raise ValueError(f"expected a JSON list, got {text!r}") from None
            if not isinstance(value, list):
                raise ValueError(f"expected a list, got {text!r}")
            return value
        return [_scalar(part.strip()) for part in stripped.split(",") if part.strip()]
    raise ValueError(f"unknown param type {kind!r}")


def _scalar(text: str) -> Any:
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text
