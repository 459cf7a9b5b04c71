"""The answer parser: every common way of writing a rating is read; everything else is a reason, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notus.judge.parse import parse_answer


@pytest.mark.parametrize(("text", "rating", "rationale"), [
    ("Rating: 7\nRationale: clear and correct.", 7, "clear and correct."),
    ("**Rating**: 7/10\n**Rationale**: fine", 7, "fine"),
    ("**Rating: 4**\n\nRationale: misses the point", 4, "misses the point"),
    ("Rating: 7.0", 7, ""),
    ("rating: 3\nrationale: wrong", 3, "wrong"),
    ("RATING - 6\nRATIONALE: ok", 6, "ok"),
    ("Overall Score: 8", 8, ""),  # OpenBMB's critique format
    ("### Rating\n5\n### Rationale: partly right", 5, "partly right"),
    ("The rating: 5 out of 10", 5, ""),
    ("Rating: [6]", 6, ""),
    ("Rating 9/10 because it is thorough", 9, "because it is thorough"),
    ("Rationale: the facts are wrong.\nRating: 2", 2, "the facts are wrong."),
    ("Rating: 3\nRationale: weak\nRating: 3", 3, "weak"),  # the same rating twice is not ambiguous
    ("7", 7, ""),
    ("**10**", 10, ""),
    ("1/10", 1, ""),
    ('{"rating": 7, "rationale": "ok"}', 7, "ok"),
    ('{"Rating": "8", "Rationale": "good"}', 8, "good"),
    ('{"rating": 7.0}', 7, ""),
    ('```json\n{"rating": 2, "rationale": "off topic"}\n```', 2, "off topic"),
    ("<think>the critique says rating: 2 maybe</think>\nRating: 9\nRationale: on reflection, good", 9,
     "on reflection, good"),
])
def test_readable_answers(text: str, rating: int, rationale: str) -> None:
    parsed = parse_answer(text)
    assert parsed.ok, parsed.error
    assert (parsed.rating, parsed.rationale) == (rating, rationale)


@pytest.mark.parametrize(("text", "reason"), [
    (None, "empty answer"),
    ("   \n", "empty answer"),
    ("I think the answer is quite good overall.", "no 'Rating: N' line"),
    ("Rating: 7.5", "7.5 is not a whole number"),
    ("Rating: 4/5", "4/5 is not on the 1–10 scale"),
    ("Rating: 11", "11 is outside the 1–10 scale"),
    ("Rating: 0\nRationale: nothing", "0 is outside"),
    ("Rating: -3", "-3 is outside"),
    ("Rating: 3\nRationale: weak\nRating: 8", "ambiguous: the answer gives ratings 3, 8"),
    ('{"rationale": "no number"}', "JSON answer without a 'rating'"),
    ('{"rating": true, "rationale": "yes"}', "JSON rating True is not a number"),
    ('{"rating": [7]}', "is not a number"),
    ('{"rating": 12, "rationale": "great"}', "12 is outside"),
    ("<think>Let me weigh the critique", "unfinished reasoning"),
    ("{not json at all", "no 'Rating: N' line"),
])
def test_unusable_answers_give_a_reason(text: str | None, reason: str) -> None:
    parsed = parse_answer(text)
    assert not parsed.ok and parsed.rating is None
    assert reason in (parsed.error or "")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_a_rating_on_the_scale_or_a_reason(text: str) -> None:
    parsed = parse_answer(text)
    assert parsed.ok == (parsed.error is None)
    if parsed.ok:
        assert parsed.rating is not None and 1 <= parsed.rating <= 10
    else:
        assert parsed.error
