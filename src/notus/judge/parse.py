"""A judge's answer text -> a rating on the 1–10 scale and a rationale, or the reason there is none.

WHY tolerant, and never raising: models answer "Rating: 7", "**Rating**: 7/10", "rating: 7.0", "Overall
Score: 7" (OpenBMB's format), a bare "7", a JSON object, or JSON in a code fence; reasoning models wrap it
all in <think>…</think> first. Every one of those is read. Anything else (no rating, two different ratings,
7.5, 4/5, 11) is a `Parsed` with `error` set, which becomes a `judge_failed` verdict keeping the raw text:
one odd answer never stops a run of thousands (the complaint in distilabel PR #1182) and is never dropped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from notus.judge.prompts import SCALE

_THINK = re.compile(r"<think>.*?</think>", re.S | re.I)
_FENCE = re.compile(r"^```[a-zA-Z]*\s*\n?(.*?)\n?```$", re.S)
_DECOR = r"[\s*_`#>\-\[\]()]*"  # markdown around a label: bullets, bold, headers, brackets
_PRE = r"[\s*_`\[(]*"  # before a number: no '-', so "-3" stays negative
_NUMBER = r"(?P<value>[-+]?\d+(?:[.,]\d+)?)(?:\s*(?:/|out\s+of)\s*(?P<den>\d+(?:\.0+)?))?"
_LABEL = r"(?:(?:the|my|final)\s+)*(?:overall[\s_-]*)?(?:rating|score)"
_SEPARATOR = r"(?:[:=：]|\s-|\sis\b|\s)"
_POST = r"[*_`\])]*"  # closing markdown after a number
_RATING = re.compile(rf"(?im)^{_DECOR}{_LABEL}{_DECOR}{_SEPARATOR}{_PRE}{_NUMBER}{_POST}")
_BARE = re.compile(rf"^{_PRE}{_NUMBER}{_POST}\.?\s*$")
_RATIONALE = re.compile(rf"(?ims)^{_DECOR}(?:rationale|explanation|reason(?:ing)?){_DECOR}[:=：]\s*(?P<text>.*)")


@dataclass(frozen=True)
class Parsed:
    rating: int | None
    rationale: str | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def failed(reason: str) -> Parsed:
    return Parsed(None, None, reason)


def parse_answer(text: str | None) -> Parsed:
    """Read a rating and a rationale from the content of a judge's answer."""
    if text is None or not text.strip():
        return failed("empty answer")
    body = _THINK.sub("", text).strip()
    if re.match(r"(?i)<think>", body):
        return failed("the answer is only unfinished reasoning (<think> never closed): raise --max-tokens")
    fenced = _FENCE.match(body)
    candidate = fenced.group(1).strip() if fenced else body
    if candidate.startswith("{"):
        from_json = _parse_json(candidate)
        if from_json is not None:
            return from_json
    return _parse_text(body)


def _parse_json(text: str) -> Parsed | None:
    """A JSON object {rating, rationale} (keys in any case, `score` for `rating`); None when not JSON."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    keys = {str(k).lower(): v for k, v in data.items()}
    value = keys.get("rating", keys.get("score"))
    if value is None:
        return failed("JSON answer without a 'rating'")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return failed(f"JSON rating {value!r} is not a number")
    match = _BARE.match(str(value).strip())
    if match is None:
        return failed(f"JSON rating {value!r} is not a number")
    rating, error = _scale(match.group("value"), match.group("den"))
    if error is not None:
        return failed(error)
    rationale = keys.get("rationale", keys.get("explanation"))
    return Parsed(rating, "" if rationale is None else str(rationale).strip())


def _parse_text(text: str) -> Parsed:
    found = [(m.group("value"), m.group("den")) for m in _RATING.finditer(text)]
    if not found:
        bare = _BARE.match(text)
        if bare is None:
            return failed("no 'Rating: N' line in the answer")
        rating, error = _scale(bare.group("value"), bare.group("den"))
        return Parsed(rating, "") if error is None else failed(error)
    ratings = []
    for value, den in found:
        rating, error = _scale(value, den)
        if error is not None:
            return failed(error)
        ratings.append(rating)
    if len(set(ratings)) > 1:
        return failed(f"ambiguous: the answer gives ratings {', '.join(map(str, dict.fromkeys(ratings)))}")
    return Parsed(ratings[0], _rationale(text))


def _scale(value: str, den: str | None) -> tuple[int | None, str | None]:
    """A rating string (and an optional '/10' denominator) -> an integer on the scale, or the error."""
    low, high = SCALE
    number = float(value.replace(",", "."))
    if den is not None and float(den) != high:
        return None, f"rating {value}/{den} is not on the {low}–{high} scale"
    if number != int(number):
        return None, f"rating {value} is not a whole number on the {low}–{high} scale"
    if not low <= number <= high:
        return None, f"rating {value} is outside the {low}–{high} scale"
    return int(number), None


def _rationale(text: str) -> str:
    """The text after 'Rationale:' (less a rating after it), else the answer less its rating."""
    labelled = _RATIONALE.search(text)
    rest = _RATING.sub("", labelled.group("text") if labelled else text)
    return re.sub(r"\*\*|__", "", rest).strip()
