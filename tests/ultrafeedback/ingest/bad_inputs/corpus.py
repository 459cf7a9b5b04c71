"""The bad-input corpus (issue 8.1): each case is one record's line and what ingest must make of it.

`reason` None means the record is valid and must be in `prompts`; otherwise it must be in `invalid` with
that reason and a `detail` that contains `detail_has` (after the file and line that ingest prepends).
The test writes every case between two valid records, so a case cannot hide behind file boundaries.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.ultrafeedback.ingest.bad_inputs.records import dumps, list_shaped, record


@dataclass(frozen=True)
class Case:
    name: str
    line: bytes
    reason: str | None
    detail_has: str = ""


def _mutated(change: Callable[[dict[str, Any]], Any]) -> bytes:
    rec = copy.deepcopy(record())
    change(rec)
    return dumps(rec).encode()


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(rec: dict[str, Any]) -> None:
        target: Any = rec
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _delete(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def change(rec: dict[str, Any]) -> None:
        target: Any = rec
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return change


def _rating(value: Any, completion: int = 1, aspect: str = "honesty") -> bytes:
    return _mutated(_set(("completions", completion, "annotations", aspect, "Rating"), value))


def _score(value: Any) -> bytes:
    return _mutated(_set(("completions", 2, "overall_score"), value))


def _score_literal(literal: str) -> bytes:
    """A score written as a bare JSON-ish literal (NaN, Infinity), as Python's json module would."""
    return dumps(record()).replace('"overall_score": 7.5', f'"overall_score": {literal}', 1).encode()


VALID = dumps(record()).encode()

CASES: list[Case] = [
    # -- not JSON, or not an object
    Case("truncated line", VALID[: len(VALID) // 2], "invalid:json", "not valid JSON"),
    Case("truncated at the last brace", VALID[:-1], "invalid:json", "not valid JSON"),
    Case("plain text", b"hello world", "invalid:json", "not valid JSON"),
    Case("lone surrogate escape", VALID.replace(b"Egypt?", b"Egypt\\ud800?"), "invalid:json"),
    Case("array", b"[1, 2, 3]", "invalid:not_an_object", "array"),
    Case("number", b"42", "invalid:not_an_object", "not an object"),
    Case("string", b'"a record"', "invalid:not_an_object", "not an object"),
    Case("null", b"null", "invalid:not_an_object", "null"),
    Case("empty object", b"{}", "invalid:missing_instruction", "no instruction"),
    # -- bytes
    Case("non-UTF-8 bytes", VALID.replace(b"Cairo", b"Ca\xffro", 1), "invalid:encoding", "UTF-8"),
    Case("latin-1 text", VALID.replace("✓".encode(), "\xe9".encode("latin-1"), 1), "invalid:encoding"),
    # -- the instruction
    Case("missing instruction", _mutated(_delete(("instruction",))), "invalid:missing_instruction"),
    Case("null instruction", _mutated(_set(("instruction",), None)), "invalid:missing_instruction"),
    Case("numeric instruction", _mutated(_set(("instruction",), 5)), "invalid:missing_instruction", "number"),
    Case("list instruction", _mutated(_set(("instruction",), ["a"])), "invalid:missing_instruction", "array"),
    Case("empty instruction", _mutated(_set(("instruction",), "")), "invalid:missing_instruction", "blank"),
    Case("blank instruction", _mutated(_set(("instruction",), "  \n ")), "invalid:missing_instruction", "blank"),
    # -- the completions list
    Case("missing completions", _mutated(_delete(("completions",))), "invalid:missing_completions"),
    Case("completions a string", _mutated(_set(("completions",), "abc")), "invalid:completions", "string"),
    Case("completions an object", _mutated(_set(("completions",), {"a": 1})), "invalid:completions", "object"),
    Case("completions null", _mutated(_set(("completions",), None)), "invalid:completions", "null"),
    Case("no completions", _mutated(_set(("completions",), [])), None),
    Case("five completions", _mutated(lambda r: r["completions"].append(copy.deepcopy(r["completions"][0]))), None),
    Case("completion not an object", _mutated(_set(("completions", 3), 5)), "invalid:completion", "completion 3"),
    Case("completion without response", _mutated(_delete(("completions", 0, "response"))), "invalid:completion",
         "completion 0"),
    # -- overall_score
    Case("NaN score", _score_literal("NaN"), "invalid:overall_score", "completion 0: overall_score NaN"),
    Case("Infinity score", _score_literal("Infinity"), "invalid:overall_score", "Infinity"),
    Case("-Infinity score", _score_literal("-Infinity"), "invalid:overall_score", "Infinity"),
    Case("overflowing score", _score_literal("1e999"), "invalid:overall_score"),
    Case("score 11", _score(11), "invalid:overall_score", "completion 2: overall_score 11"),
    Case("negative score", _score(-1), "invalid:overall_score"),
    Case("score a word", _score("high"), "invalid:overall_score", '"high"'),
    Case("score a boolean", _score(True), "invalid:overall_score", "true"),
    Case("score a list", _score([7]), "invalid:overall_score"),
    Case("score a numeric string", _score("7.5"), None),
    Case("score null", _score(None), None),
    Case("score missing", _mutated(_delete(("completions", 2, "overall_score"))), None),
    Case("score 10", _score(10), None),
    Case("score 0", _score(0), None),
    Case("fine-grained NaN", dumps(record()).replace('"fine-grained_score": 4.5', '"fine-grained_score": NaN',
                                                      1).encode(), None),
    Case("fine-grained missing", _mutated(_delete(("completions", 1, "fine-grained_score"))), None),
    # -- ratings
    Case("Rating 7", _rating("7"), "invalid:rating", "completion 1, honesty: Rating \"7\""),
    Case("Rating 7 (number)", _rating(7), "invalid:rating", "completion 1, honesty"),
    Case("Rating 0", _rating("0"), "invalid:rating"),
    Case("Rating five", _rating("five"), "invalid:rating", '"five"'),
    Case("Rating null", _rating(None), "invalid:rating", "missing or null"),
    Case("Rating a list", _rating(["3"]), "invalid:rating", "completion 1, honesty"),
    Case("Rating 2.5", _rating(2.5), "invalid:rating"),
    Case("Rating true", _rating(True), "invalid:rating"),
    Case("Rating missing", _mutated(_delete(("completions", 1, "annotations", "honesty", "Rating"))),
         "invalid:rating", "missing or null"),
    Case("Rating N/A", _rating("N/A"), None),
    Case("Rating 3 (string)", _rating("3"), None),
    Case("Rating 3 (number)", _rating(3), None),
    Case("Rating 3.0", _rating(3.0), None),
    Case("Rating ' 3 '", _rating(" 3 "), None),
    # -- annotations
    Case("list-shaped annotations", _mutated(lambda r: r["completions"][0].update(
        annotations=list_shaped(r["completions"][0]["annotations"]))), None),
    Case("list-shaped, bad Rating", _mutated(lambda r: r["completions"][1].update(annotations=list_shaped(
        {**r["completions"][1]["annotations"], "honesty": {"Rating": "9", "Rationale": "x"}}))),
        "invalid:rating", "completion 1, honesty"),
    Case("aspect a list of two", _mutated(lambda r: r["completions"][2]["annotations"].update(
        honesty=[{"Rating": "3"}, {"Rating": "4"}])), "invalid:annotations", "completion 2, honesty: a list of 2"),
    Case("aspect an empty list", _mutated(lambda r: r["completions"][2]["annotations"].update(honesty=[])),
         "invalid:annotations", "a list of 0"),
    Case("aspect a string", _mutated(_set(("completions", 0, "annotations", "honesty"), "5")),
         "invalid:annotations", "completion 0, honesty: a JSON string"),
    Case("aspect a number", _mutated(_set(("completions", 0, "annotations", "honesty"), 5)),
         "invalid:annotations", "honesty"),
    Case("aspect missing", _mutated(_delete(("completions", 0, "annotations", "honesty"))), None),
    Case("aspect null", _mutated(_set(("completions", 0, "annotations", "honesty"), None)), None),
    Case("annotations missing", _mutated(_delete(("completions", 0, "annotations"))), None),
    Case("annotations a string", _mutated(_set(("completions", 3, "annotations"), "x")), "invalid:annotations",
         "completion 3: annotations is a JSON string"),
    Case("annotations a list", _mutated(_set(("completions", 3, "annotations"), [1])), "invalid:annotations"),
    Case("Type None", _mutated(_set(("completions", 0, "annotations", "helpfulness", "Type"), "None")), None),
    Case("Type missing", _mutated(_delete(("completions", 0, "annotations", "helpfulness", "Type"))), None),
    # -- size and duplicates
    Case("10 MB response", _mutated(_set(("completions", 0, "response"), "x" * (10 << 20))), "invalid:too_large",
         "over max_record_bytes"),
    Case("non-ASCII everywhere", _mutated(_set(("instruction",), "¿Cuál es la capital de Egipto? 埃及 🇪🇬")), None),
    Case("JSON escapes", json.dumps(record("Tab\there, quote \" and \\u00e9")).encode(), None),
    Case("extra keys", _mutated(_set(("unexpected",), {"nested": [1, 2]})), None),
    Case("CRLF line end", VALID + b"\r", None),
]
