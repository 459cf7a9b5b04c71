"""Typed pipeline params: declared in the spec with a type, a default and the values they may take;
overridden with `--set KEY=VALUE`, checked before any data is read.

Types are few on purpose (int, float, number, str, bool, list): they are what SQL can bind as values. What a
param may hold is declared next to it, so a wrong value is a usage error naming the param and what it
accepts (exit 2), never a failure deep inside a SQL step after ingest:

    strategy:  {type: str, default: mean_rating, choices: [mean_rating, overall_score, worst, all_pairs]}
    min_margin: {type: number, default: 0, min: 0}
    test_size:
      type: number
      default: 2000
      one_of:                                    # a union: the value must satisfy one alternative
        - {integer: true, min: 1, doc: "a count >= 1"}
        - {gt: 0, lt: 1, doc: "a fraction in (0, 1)"}
        - {choices: [0], doc: "0 for none"}
    aspects: {type: list, default: [a, b], items: {choices: [a, b, c]}, unique: true, min_items: 1}
    weights: {type: list, default: [], items: {min: 0}, length_matches: aspects}   # empty, or one per aspect
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from notus.core.errors import UsageError

PARAM_TYPES = ("int", "float", "number", "str", "bool", "list")
RULE_KEYS = ("choices", "min", "max", "gt", "lt", "integer", "one_of", "items", "unique", "min_items",
             "length_matches", "doc")


class RuleError(ValueError):
    """A rule in a spec is malformed (names the rule key)."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        super().__init__(f"{key}: {problem}")


@dataclass(frozen=True)
class Rule:
    """What values a param (or one alternative of a union, or a list's items) accepts."""

    choices: tuple[Any, ...] | None = None
    min: float | None = None
    max: float | None = None
    gt: float | None = None
    lt: float | None = None
    integer: bool = False
    one_of: tuple[Rule, ...] = ()
    items: Rule | None = None
    unique: bool = False
    min_items: int | None = None
    length_matches: str | None = None  # another list param: this one is empty or as long as it
    doc: str = ""

    @classmethod
    def parse(cls, raw: Mapping[str, Any], key: str = "") -> Rule:
        unknown = sorted(set(raw) - set(RULE_KEYS))
        if unknown:
            raise RuleError(f"{key}{unknown[0]}", f"unknown rule (rules: {', '.join(RULE_KEYS[:-1])})")
        for bound in ("min", "max", "gt", "lt"):
            if bound in raw and not _is_number(raw[bound]):
                raise RuleError(f"{key}{bound}", f"expected a number, got {raw[bound]!r}")
        choices = raw.get("choices")
        if choices is not None and not (isinstance(choices, list) and choices):
            raise RuleError(f"{key}choices", "expected a non-empty list of allowed values")
        alternatives = raw.get("one_of") or []
        if not isinstance(alternatives, list) or not all(isinstance(a, Mapping) for a in alternatives):
            raise RuleError(f"{key}one_of", "expected a list of rules, e.g. [{min: 1}, {choices: [0]}]")
        items = raw.get("items")
        if items is not None and not isinstance(items, Mapping):
            raise RuleError(f"{key}items", "expected a rule for every item, e.g. {min: 0}")
        return cls(
            choices=tuple(choices) if choices is not None else None,
            min=raw.get("min"), max=raw.get("max"), gt=raw.get("gt"), lt=raw.get("lt"),
            integer=bool(raw.get("integer", False)),
            one_of=tuple(cls.parse(a, f"{key}one_of[{i}].") for i, a in enumerate(alternatives)),
            items=cls.parse(items, f"{key}items.") if items is not None else None,
            unique=bool(raw.get("unique", False)),
            min_items=raw.get("min_items"),
            length_matches=raw.get("length_matches"),
            doc=str(raw.get("doc", "")),
        )

    def problem(self, value: Any, others: Mapping[str, Any]) -> str | None:
        """None if `value` is accepted, else what was expected (for a message: 'expected ...')."""
        if self.one_of and not any(alt.problem(value, others) is None for alt in self.one_of):
            return " or ".join(alt.describe() for alt in self.one_of)
        if self.choices is not None and value not in self.choices:
            return self.describe()
        numeric = self.integer or any(b is not None for b in (self.min, self.max, self.gt, self.lt))
        if numeric and not _is_number(value):
            return self.describe()
        if _is_number(value):
            bad = ((self.integer and not float(value).is_integer())
                   or (self.min is not None and value < self.min) or (self.max is not None and value > self.max)
                   or (self.gt is not None and value <= self.gt) or (self.lt is not None and value >= self.lt)
                   or not math.isfinite(value))
            if bad:
                return self.describe()
        if isinstance(value, list):
            return self._list_problem(value, others)
        return None

    def _list_problem(self, value: list[Any], others: Mapping[str, Any]) -> str | None:
        if self.min_items is not None and len(value) < self.min_items:
            return f"at least {self.min_items} item(s)"
        if self.unique and len({json.dumps(v, sort_keys=True) for v in value}) < len(value):
            return "no item listed twice"
        if self.length_matches is not None:
            other = others.get(self.length_matches)
            if value and isinstance(other, list) and len(value) != len(other):
                return f"an empty list or one item per item of '{self.length_matches}' ({len(other)})"
        if self.items is not None:
            for item in value:
                found = self.items.problem(item, others)
                if found is not None:
                    return f"items that are each {found} (got {item!r})"
        return None

    def describe(self) -> str:
        """The accepted values in words: 'one of a, b', 'a number >= 0', 'a count >= 1 or 0 for none'."""
        if self.doc:
            return self.doc
        if self.one_of:
            return " or ".join(alt.describe() for alt in self.one_of)
        if self.choices is not None:
            shown = ", ".join(str(c) for c in self.choices)
            return f"one of {shown}" if len(self.choices) > 1 else shown
        bounds = [f"{op} {_show(v)}" for op, v in ((">=", self.min), ("<=", self.max), (">", self.gt),
                                                  ("<", self.lt)) if v is not None]
        noun = "a whole number" if self.integer else "a number"
        return f"{noun} {' and '.join(bounds)}".strip() if bounds or self.integer else "any value"


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: str
    default: Any
    doc: str = ""
    rule: Rule = field(default_factory=Rule)

    def check(self, value: Any, others: Mapping[str, Any]) -> str | None:
        """None if `value` suits this param, else a sentence saying what it accepts."""
        if not type_ok(self.type, value):
            return f"{value!r} is not of type {self.type}"
        found = self.rule.problem(value, others)
        return None if found is None else f"expected {found}, got {_show(value)}"


def type_ok(kind: str, value: Any) -> bool:
    """Whether `value` has the declared kind (bool is not an int here, to catch `seed: true`)."""
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("float", "number"):
        return _is_number(value)
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


def resolve_params(params: Mapping[str, ParamSpec], sets: Mapping[str, Any], pipeline: str) -> dict[str, Any]:
    """The defaults with `--set` overrides applied, every value checked against its declaration: a
    wrong one is a UsageError (exit 2) naming the param and what it accepts, before any data is read."""
    values = {name: p.default for name, p in params.items()}
    for key, value in sets.items():
        if key not in params:
            known = ", ".join(sorted(params)) or "none"
            raise UsageError(f"unknown param '{key}' for pipeline '{pipeline}' (params: {known})")
        kind = params[key].type
        if isinstance(value, str) and kind != "str":
            try:
                value = parse_value(kind, value)
            except ValueError as exc:
                raise UsageError(f"--set {key}: {exc}") from None
        values[key] = value
    for key in sets:
        problem = params[key].check(values[key], values)
        if problem is not None:
            raise UsageError(f"--set {key}: {problem}")
    return values


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


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else json.dumps(value) if isinstance(value, list) else str(value)
