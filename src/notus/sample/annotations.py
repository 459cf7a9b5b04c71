"""The four per-aspect annotations of a completion (Rating, Rationale, Type, Rationale For Rating).

WHY the rationale follows the rating: a rating of "2" with the rationale of a "5" would make the data
incoherent in a way the real data is not. Ratings are STRINGS ("1".."5" or "N/A") and `Type` is a list of
digit strings or the string "None", as in openbmb/UltraFeedback; the one-item-list shape of the early
release is produced by `as_list_shape`. Rationales are two sentences, roughly 20-60 words.
"""

from __future__ import annotations

import random
from typing import Any

from notus.sample.draw import pick

ASPECTS: tuple[str, ...] = ("instruction_following", "honesty", "truthfulness", "helpfulness")
NA = "N/A"

_MAIN: dict[str, dict[str, tuple[str, ...]]] = {
    "instruction_following": {
        "5": ("The text fully aligns with the instruction, meeting the task goal and respecting every "
              "restriction.", "Comprehensive compliance: the output addresses the goal and uses the requested "
              "format.", "The response follows each part of the instruction without deviation."),
        "4": ("The text is almost there, meeting the goal with minor deviations in format or length.",
              "Near alignment: the task goal is met, but one small restriction is not fully respected."),
        "3": ("Partial compliance: the text addresses the goal but neglects the requested format.",
              "The response meets either the goal or the restrictions, but not both."),
        "2": ("Partial focus: the text addresses only one aspect of the task, and poorly.",
              "Most of the instruction is ignored; only a small part of the goal is touched."),
        "1": ("Irrelevant: the text does not align with the instruction at all.",
              "No alignment with the task goal or the restrictions."),
        NA: ("The instruction is too ambiguous to judge alignment.",
             "Alignment cannot be assessed because the expected output is not defined."),
    },
    "honesty": {
        "5": ("The response is correct and confident, and it expresses no unwarranted uncertainty.",
              "Correct and confident: the answer states the information precisely and acknowledges limits "
              "where appropriate."),
        "4": ("The response is correct but hedges more than necessary, using phrases such as 'I think'.",
              "Correct but uncertain: it expresses subtle doubt about details it actually gets right."),
        "3": ("The response is confident yet contains minor errors, or it is unsure without saying why.",
              "Uncertain or 'I don't know': the answer declines parts of the question it could answer."),
        "2": ("Confident with significant mistakes: the text states incorrect information without hedging.",
              "The answer is unconfident and largely incorrect, with major errors."),
        "1": ("Confidently incorrect: the response asserts wrong information with full certainty.",
              "The text is entirely wrong yet shows no sign of uncertainty."),
        NA: ("The text is a piece of creative writing, so honesty and uncertainty expression do not apply.",
             "Honesty is not applicable to this creative task."),
    },
    "truthfulness": {
        "5": ("The text contains no hallucinations and is consistent with established knowledge.",
              "Free of hallucination: every statement is accurate and consistent with the input."),
        "4": ("The text contains a slight hallucination that does not affect the main points.",
              "Insignificant hallucination: one minor detail is inaccurate."),
        "3": ("The text partially misunderstands the question because of hallucinated details.",
              "Partial hallucination: some claims are not supported by the input or by world knowledge."),
        "2": ("The text contains severe hallucinations that deviate from the main points.",
              "Several statements contradict the instruction or well-known facts."),
        "1": ("The text is completely hallucinated and unreliable.",
              "Entirely unreliable: the content is fabricated and contradicts the input."),
        NA: ("Truthfulness cannot be judged for this output.",
             "There are no factual claims to verify in this text."),
    },
    "helpfulness": {
        "5": ("The response is clear, relevant and comprehensive, providing valuable insights without "
              "repetition.", "Outstandingly helpful: accurate, in-depth and directly useful to the user."),
        "4": ("The response is accurate and extensive, giving useful and well-organised information.",
              "Highly informative: it covers the task well with only small gaps."),
        "3": ("The response is correct and relevant but not very detailed.",
              "Correct: the information is accurate, though it lacks depth."),
        "2": ("The response contains errors that may cause confusion, even though some information is present.",
              "Partially incorrect: parts of the content are wrong or irrelevant."),
        "1": ("The response is severely incorrect and does not help with the task.",
              "Severely incorrect: it contains significant inaccuracies or fabricated content."),
        NA: ("Helpfulness cannot be assessed for this output.",
             "The response provides no content whose usefulness can be judged."),
    },
}

_DETAIL: dict[str, tuple[str, ...]] = {
    "high": (
        "It stays on topic throughout and the level of detail suits the question.",
        "The structure makes the answer easy to follow from start to finish.",
        "The key points are supported by sensible examples.",
        "Nothing essential is missing, and the wording is precise.",
    ),
    "mid": (
        "Some parts are useful, but others remain general or vague.",
        "A few statements would need a source or a clearer explanation.",
        "The answer could be more focused on what was actually asked.",
        "It covers the basics but leaves out relevant details.",
    ),
    "low": (
        "The content does not match what the user asked for.",
        "Important parts of the task are missing or wrong.",
        "It would mislead a reader who relied on it.",
        "Very little of the text is usable.",
    ),
    NA: (
        "The rating is therefore left as not applicable.",
        "No score is given for this aspect.",
    ),
}
_LEVEL = {"5": "high", "4": "high", "3": "mid", "2": "low", "1": "low", NA: NA}

_TRUTH_TYPES: dict[str, tuple[Any, ...]] = {
    "5": (["0"], "None"),
    "4": (["1"], ["2"], ["0"]),
    "3": (["1"], ["2"], ["1", "2"]),
    "2": (["1", "3"], ["2", "3"], ["1", "2", "3"]),
    "1": (["1", "2"], ["1", "2", "3"], ["3"]),
    NA: ("None",),
}
_HELP_TYPES: dict[str, tuple[Any, ...]] = {
    "5": (["1", "2", "3"],),
    "4": (["1", "2"], ["1", "2", "3"]),
    "3": (["1"], ["1", "3"], ["1", "2"]),
    "2": (["1"], "None"),
    "1": ("None", ["1"]),
    NA: ("None",),
}


def _rationale(rng: random.Random, aspect: str, rating: str) -> str:
    details = _DETAIL[_LEVEL[rating]]
    if rating != NA and rng.random() < 0.5:
        return f"{pick(rng, _MAIN[aspect][rating])} {' '.join(rng.sample(details, 2))}"
    return f"{pick(rng, _MAIN[aspect][rating])} {pick(rng, details)}"


def annotations(rng: random.Random, ratings: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The struct-shaped annotations for the given aspect -> rating strings."""
    out: dict[str, dict[str, Any]] = {}
    for aspect in ASPECTS:
        rating = ratings[aspect]
        if aspect in ("instruction_following", "honesty"):
            out[aspect] = {"Rating": rating, "Rationale": _rationale(rng, aspect, rating)}
            continue
        types = _TRUTH_TYPES if aspect == "truthfulness" else _HELP_TYPES
        kind = pick(rng, types[rating])
        out[aspect] = {
            "Type": list(kind) if isinstance(kind, list) else kind,
            "Rationale": _rationale(rng, aspect, rating),
            "Rating": rating,
            "Rationale For Rating": _rationale(rng, aspect, rating),
        }
    return out


def as_list_shape(annotation: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The early-release shape: each aspect a one-item list of its struct."""
    return {aspect: [value] for aspect, value in annotation.items()}
