"""The negative-critique lexicon on critiques written the way GPT-4 wrote UltraFeedback's: damning ones
must reach the default threshold, praise with the usual suggestions must not, and negations of faults
("no errors", "not incorrect") must not count as faults."""

from __future__ import annotations

import polars as pl
import pytest

from notus.ultrafeedback.critique import RULES, score_critiques

THRESHOLD = 2.0  # pipelines/notus.yaml negative_critique_threshold

DAMNING = [
    "The response is severely incorrect and does not address the question at all. It provides fabricated "
    "information about the Eiffel Tower.",
    "Your answer is not helpful. The instruction asked for a Python function, but you wrote a poem instead, "
    "which is irrelevant to the task.",
    "The answer is incorrect and misleading. The capital of Australia is Canberra, not Sydney.",
    "Your response doesn't follow the instruction. It contains hallucinated details and contradicts "
    "established facts.",
    "The output is nonsensical and unrelated to the given input.",
    "The response fails to answer the question and instead repeats the prompt. It lacks any useful information.",
    "Your answer is wrong. The correct answer is 42. You misunderstood the question.",
    "The translation is completely inaccurate and does not convey the meaning of the original sentence.",
    "This answer is entirely off-topic and unhelpful.",
    "You didn't answer the question. The user asked about Paris, but your response talks about London.",
    "Your answer is incorrect.",
    "The response is not accurate and not relevant to the user's request.",
    "It makes up statistics and cites a study that was never published.",
    "I would not recommend this answer to anyone; it needs to be rewritten.",
    "Several of the stated requirements are ignored, and the summary misrepresents the article.",
    "The response offers nothing of use and simply repeats the question.",
    "Your response was not aligned with the instruction. The instruction asked for a translation into "
    "French, but you provided an explanation in English instead.",
    "Your answer is incorrect. The sentence does not imply the hypothesis, so the correct answer should "
    "be 'no'. Make sure to carefully read the premise.",
    "Your response is not relevant to the question. The user asked for a recipe, yet you described the "
    "history of bread. Please make sure your response directly addresses the question.",
    "The answer provided does not follow the instructions. The task was to list five items, and your "
    "answer contains a single paragraph.",
    "You didn't provide any answer to the question.",
    "The response is empty.",
    "Your answer seems to be a random collection of words and doesn't make sense.",
    "You've misunderstood the task. It asked for a summary, not a critique.",
    "The answer is too vague and doesn't provide specific details. It also contains false information "
    "about the author.",
    "Your answer has several inaccuracies and is misleading regarding the dosage.",
    "The code you provided is wrong and will not compile. It also ignores the requirement to use "
    "recursion.",
    "This answer contradicts itself and gives the wrong year for the treaty.",
    "It reads well; unfortunately, most of the claims in it are false.",
    "Following these steps would leave the user worse off, and the answer keeps making things up.",
]

PRAISE = [
    "Your answer is accurate, well-structured and fully aligns with the instruction. Great job!",
    "Your answer is generally good and informative. However, it could be more concise. There are no errors "
    "in the facts provided.",
    "The response correctly identifies the false premise of the question and politely explains why it cannot "
    "be answered. Excellent honesty.",
    "Your answer is helpful and truthful, but you did not fully address the second part of the question. "
    "Try to be more specific.",
    "The answer is not incorrect, but it could be more detailed. Overall a good response.",
    "Your response is comprehensive and accurate. It doesn't contain any misleading information. To improve, "
    "you could add an example.",
    "The question is nonsensical, and the response rightly points this out without making anything up. "
    "Well done.",
    "Your answer is mostly correct, but there is a minor error in the second step of the calculation. Make "
    "sure to double-check your math to avoid mistakes.",
    "Great job! Your response is clear, concise, and accurate. Not only did you answer the question, you also "
    "gave context.",
    "Your answer lacks some detail about the historical context, but it is otherwise accurate and relevant.",
    "The answer is not perfect, as it misses a few nuances, but it is helpful and honest about its uncertainty.",
    "Your answer is correct and well-explained, though it is not entirely complete. You could mention the "
    "exceptions.",
    "Your answer is informative, but it contains an inaccuracy: the Great Wall is not visible from space.",
    "Your answer is helpful, but it is slightly verbose and has a few minor inaccuracies regarding the dates.",
    "The response is free of hallucinations and stays on topic. It would be more helpful with an example.",
    "The essay is made up of three clear parts, each of them accurate.",
    "Nothing about this response is misleading or vague, and the tone is friendly.",
    "Not a single claim is false. A helpful, well-organized answer.",
    "It avoids being verbose or repetitive. To improve further, provide more specific, actionable tips.",
    "Your answer is accurate and provides a good explanation of the process. However, you could improve "
    "by adding an example. Overall, good job!",
    "The answer is correct, but it lacks explanation. It's important to provide reasoning for your "
    "answer to help the user understand.",
    "The response is mostly accurate, but there's a mistake in the final sentence. Otherwise, well done.",
    "Your answer is partially correct. You identified the main idea but missed the second point.",
    "Your response is helpful and follows the instruction well. To make it even better, consider being "
    "more concise.",
    "You correctly identified the error in the sentence and provided the corrected version. Great work.",
    "The answer is truthful and honest about its limitations. It does not contain fabricated details.",
    "The translation is accurate and fluent; no issues found.",
    "Your answer meets the requirements, though the formatting could be improved.",
    "The response correctly points out that the question contains a false premise and does not make up "
    "an answer.",    "The premise is false, and the response says so politely. Accurate and kind.",
]


def scores(texts: list[str | None]) -> pl.DataFrame:
    return score_critiques(pl.LazyFrame({"critique": texts}, schema={"critique": pl.String})).collect()


@pytest.mark.parametrize("text", DAMNING)
def test_damning_critiques_reach_the_threshold(text: str) -> None:
    row = scores([text]).row(0, named=True)
    assert row["negativity"] >= THRESHOLD, row
    assert row["evidence"]


@pytest.mark.parametrize("text", PRAISE)
def test_praise_with_suggestions_stays_below(text: str) -> None:
    row = scores([text]).row(0, named=True)
    assert row["negativity"] < THRESHOLD, row


@pytest.mark.parametrize(
    "text",
    ["There are no errors.", "The response is not incorrect.", "It is without any inaccuracies.",
     "The answer is free from misleading claims.", "I could not find any factual errors.",
     "The response does not contain hallucinations.", "It is error-free."],
)
def test_negated_faults_are_not_faults(text: str) -> None:
    row = scores([text]).row(0, named=True)
    assert (row["fault_weight"], row["evidence"]) == (0.0, None)


def test_negated_virtues_are_faults() -> None:
    row = scores(["The answer isn\u2019t helpful and is not accurate."]).row(0, named=True)
    assert row["evidence"] == "not helpful; not accurate"
    assert row["virtue_weight"] == 0.0


def test_softened_failures_weigh_little() -> None:
    soft, hard = scores(["It does not fully address the question.", "It does not address the question."])[
        "negativity"]
    assert soft < hard and soft < THRESHOLD <= hard


def test_a_phrase_counts_once() -> None:
    """"completely incorrect" is one damning fault, not also a plain "incorrect"."""
    row = scores(["The answer is completely incorrect."]).row(0, named=True)
    assert (row["fault_weight"], row["evidence"]) == (3.0, "completely incorrect")


def test_missing_or_empty_critique_scores_zero() -> None:
    out = scores([None, ""])
    assert out["negativity"].to_list() == [0.0, 0.0] and out["evidence"].to_list() == [None, None]


def test_rules_are_named_and_weighted_once() -> None:
    assert len({r.name for r in RULES}) == len(RULES)
    assert any(r.weight > 0 for r in RULES) and any(r.weight < 0 for r in RULES)
