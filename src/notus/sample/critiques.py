"""Critique texts (GPT-4's free-text judgement, on the 1-10 scale) in several tones, composed from parts.

WHY composed and varied: the score-vs-rationale detector must recognise a damning critique by what it
says, not by one memorised sentence. A critique is an opener, one to three specific remarks, and an
optional suggestion and closer, each drawn from its own pool, so a tone has tens of thousands of distinct
wordings, written in the several styles GPT-4 uses ("The response is ...", "Your answer ...", "This
answer ..."). The tones:

- damning: the response fails (wrong, irrelevant, fabricated, ignores the instruction). Used for the
  planted 1->10 defects AND for correctly low-scored completions, so text alone cannot tell them apart.
- negative: clearly weak but not worthless (scores 3.5-4.5).
- mixed: decent with suggestions (scores 5-8.5); contains mild criticism, as real mid-range critiques do.
- positive: good answers (scores 8.5-10).
- tricky: positive critiques carrying negated or softened fault words ("no errors", "not incorrect",
  "could be slightly more concise but excellent") that a naive keyword matcher mistakes for criticism.
"""

from __future__ import annotations

import random

from notus.sample import words as w
from notus.sample.draw import pick, randint

DAMNING_OPENERS: tuple[str, ...] = (
    "The response is severely incorrect and does not answer the question about {topic}.",
    "Your answer fails to address the instruction; it talks about something unrelated instead of {topic}.",
    "This response is completely irrelevant to the user's request.",
    "The answer is misleading and contains fabricated facts about {topic} that cannot be verified.",
    "The text does not follow the instruction at all.",
    "Your answer is entirely off-topic and provides no useful information.",
    "The response is confidently wrong: almost every claim it makes about {topic} is false.",
    "This answer hallucinates details that are not in the question and misrepresents {topic}.",
    "The output ignores the user's question and instead repeats the same sentence several times.",
    "Unfortunately, the response is nonsensical and cannot be used.",
    "The model refuses a harmless request and offers nothing in its place.",
    "Your response misunderstands the task entirely.",
    "The answer is wrong. The question asked about {topic}, but the response discusses an unrelated subject.",
    "There are serious problems with this answer: it is inaccurate, incomplete and poorly organised.",
    "The response contradicts itself as well as the information given in the prompt.",
    "This is a very poor answer that misses the point of the question.",
    "The assistant invents statistics and sources, which makes the response untrustworthy.",
    "Your answer does not make sense in the context of the question.",
    "The response gives a single word with no justification, and that word is incorrect.",
    "The answer is unhelpful: it neither solves the problem nor explains why it cannot.",
    "Sadly, the reply is of very low quality and fails to meet the basic requirements of the task.",
    "The response is factually incorrect and potentially harmful if followed.",
    "The text is incoherent and jumps between unrelated topics.",
    "I'm afraid this answer is mostly gibberish.",
    "Your answer completely misses the question: nothing in it concerns {topic}.",
    "This reply is inaccurate from start to finish.",
    # praise for the form, then the failure: a virtue word does not make the critique positive
    "Although the answer is well-written and polite, it is completely wrong about {topic}.",
    "The response is fluent and well organised, but it does not answer the question at all.",
    "Your answer sounds confident and clear; unfortunately, almost everything in it is false.",
    # understated: no stock fault word, the failure is in what is described
    "The reply talks about pancakes when the user asked about {topic}.",
    "Nothing in this answer relates to what the user asked.",
    "This could have been written for a different question entirely.",
    "The user would learn nothing about {topic} from this.",
    "The answer simply repeats the question back and stops there.",
)
DAMNING_ISSUES: tuple[str, ...] = (
    "It states that {topic} was first described in {year}, which is simply not true.",
    "None of the requested {format} structure is present.",
    "The steps it lists are in the wrong order and would not work in practice.",
    "It makes up a quotation and attributes it to an expert who does not exist.",
    "The calculation is wrong: the numbers do not add up and the result is off by a wide margin.",
    "Key parts of the instruction, such as the examples and the word limit, are ignored.",
    "The code does not run; it refers to variables that are never defined.",
    "Instead of answering, it asks the user for context that was already provided.",
    "The same sentence is repeated several times without adding anything.",
    "It confuses {topic} with {topic2}, which leads to a series of false claims.",
    "The tone is dismissive and the content is of no use to the user.",
    "There is no attempt to explain the reasoning behind the answer.",
    "It accepts the false premise of the question instead of correcting it.",
    "Several claims are hallucinated and contradict well-established facts.",
    "The translation has nothing to do with the source sentence.",
    "The option it picks is incorrect, and its own explanation contradicts that choice.",
    "It provides no actionable information whatsoever.",
    "The reply is a single line and does not address any of the points raised.",
    "Most of the text is filler that has nothing to do with {topic}.",
    "It expresses full confidence while being wrong, which is misleading.",
    "The figures it cites for {topic} appear to be invented.",
    "The user asked for {format}, but the response offers an unrelated anecdote.",
    "The recommended steps would leave the user worse off than before.",
    "It answers a question nobody asked and leaves the real one untouched.",
    "A reader following this advice would reach the opposite of the correct conclusion.",
)
DAMNING_SUGGESTIONS: tuple[str, ...] = (
    "To improve, read the instruction carefully and answer the question that was actually asked.",
    "You should verify facts before presenting them and avoid inventing details.",
    "A correct answer would need to start from scratch.",
    "Focus on the user's request and provide accurate, relevant information.",
    "Next time, acknowledge uncertainty instead of making things up.",
    "Make sure the response is on topic and follows the required format.",
    "The whole answer needs to be rewritten.",
    "Explain the reasoning step by step and check the result before answering.",
)
DAMNING_CLOSERS: tuple[str, ...] = (
    "Overall, the response is unhelpful and misleading.",
    "I would not recommend using this answer.",
    "As it stands, the answer has no value for the user.",
    "In its current form, it fails the task.",
    "This deserves the lowest possible score.",
    "It needs a complete rework.",
    "The user would be better off with no answer at all.",
)

NEGATIVE_OPENERS: tuple[str, ...] = (
    "The response attempts to answer but contains several inaccuracies about {topic}.",
    "Your answer only partially addresses the question and leaves out important information.",
    "The answer is weak: the main idea is there, but much of the detail is wrong.",
    "This response is vague and does not really engage with {topic}.",
    "The text follows the instruction only loosely and includes some incorrect statements.",
    "There are notable problems with accuracy and structure in this answer.",
)

MIXED_OPENERS: tuple[str, ...] = (
    "Your answer is generally accurate but lacks depth in places.",
    "The response addresses the main question, though some details about {topic} are missing.",
    "This is a decent answer, but it could be more specific.",
    "The answer is mostly correct; however, the structure could be improved.",
    "The response is helpful overall, but a few statements are imprecise.",
    "Your explanation of {topic} is on the right track, but it needs more examples.",
    "The text partially follows the instruction: it covers the topic but not the requested {format}.",
    "A reasonable attempt, although some parts are vague.",
    "The answer is relevant and readable, but somewhat superficial.",
    "Good effort. The main points are there, but the conclusion is weak.",
    "Your answer provides useful information on {topic}, yet it could be better organised.",
    "The response is informative, though it strays from the question at times.",
)
MIXED_SUGGESTIONS: tuple[str, ...] = (
    "To improve, provide concrete examples and cite sources where possible.",
    "Consider organising the answer into clear sections.",
    "You could be more concise; some sentences repeat the same idea.",
    "Make sure to address every part of the instruction, including the requested {format}.",
    "Double-check the numbers in the second paragraph.",
    "Try to express uncertainty when you are not sure about a fact.",
    "Adding a short summary at the end would help the reader.",
    "Avoid generic statements and focus on the specifics of {topic}.",
    "The answer would benefit from a clearer explanation of the reasoning.",
    "Some claims about {topic} should be qualified, as they are not universally true.",
)

POSITIVE_OPENERS: tuple[str, ...] = (
    "The response is accurate, well-structured and fully addresses the instruction.",
    "Your answer is excellent: it explains {topic} clearly and covers every part of the question.",
    "Great job! The answer is comprehensive, truthful and easy to follow.",
    "This is a high-quality response that directly answers the user's question about {topic}.",
    "The assistant provides a thorough and correct explanation of {topic}.",
    "Your answer is helpful, precise and well organised.",
    "The response follows the instruction closely and delivers exactly what was asked.",
    "Very good answer. The information about {topic} is correct and presented logically.",
    "The text is informative and engaging, and it stays focused on the question.",
    "This answer is outstanding in both content and presentation.",
    "The response demonstrates a strong understanding of {topic}.",
    "You did a great job explaining {topic}; the structure makes it easy to read.",
    "The answer is correct, and the explanation is clear and concise.",
    "An impressive response that meets all the requirements of the task.",
    "The reply is spot on: relevant, accurate and complete.",
)
POSITIVE_STRENGTHS: tuple[str, ...] = (
    "The examples are well chosen and illustrate the main points.",
    "Each step is explained clearly, so a beginner could follow along.",
    "The use of a {format} makes the comparison easy to scan.",
    "It correctly identifies the key factors and explains how they interact.",
    "The tone is friendly and professional.",
    "The answer expresses an appropriate level of confidence.",
    "All the facts I checked are consistent with reliable sources.",
    "It anticipates follow-up questions and answers them briefly.",
    "The code is clean, idiomatic and includes helpful comments.",
    "The length is appropriate for the question.",
    "It acknowledges the limits of what is known about {topic}, which is honest.",
    "The conclusion ties the points together nicely.",
)
POSITIVE_EXTRAS: tuple[str, ...] = (
    "You could add a short example at the end, but this is optional.",
    "A source or two would make it even stronger.",
    "Consider adding a brief summary for readers in a hurry.",
    "Keep up the good work.",
    "Well done.",
)
TRICKY_SENTENCES: tuple[str, ...] = (
    "There are no errors in the facts or the calculations.",
    "Nothing in the answer is incorrect or misleading.",
    "It could be slightly more concise, but it is excellent overall.",
    "I could not find any factual mistakes.",
    "No fabricated details were introduced, and every claim is verifiable.",
    "The response does not contain hallucinations of any kind.",
    "It is not irrelevant at any point; every paragraph serves the question.",
    "Not a single step is wrong.",
    "The answer doesn't miss any part of the instruction.",
    "Minor issue: a small typo in the second paragraph, otherwise flawless.",
    "The only weakness is a slightly long introduction, which does not hurt the overall quality.",
    "It avoids the common misconception that {topic} is simple.",
    "It never fails to stay on topic.",
    "It avoids being vague or misleading, which many answers to this question are.",
    "The answer is not incorrect in any way, though the wording could be tightened a little.",
    "Although the question was tricky, the response handles it without confusion.",
    "It would be hard to find anything wrong with this answer.",
    "Without any inaccuracies, it covers {topic} from several angles.",
    "I was expecting errors in the tricky part, but found none.",
    "It avoids the mistakes that are common when people write about {topic}.",
    "Even a critical reader would struggle to fault it.",
    "Some may find it long, but the length is justified by the detail.",
)
TRICKY_FALSE_PREMISE: tuple[str, ...] = (
    "It correctly points out that the question rests on a false premise and explains why.",
    "The question is nonsensical, and the response rightly says so instead of inventing an answer.",
    "The response recognises the incorrect assumption in the question and answers honestly.",
)


def _fmt(rng: random.Random, text: str, topic: str) -> str:
    if "{" not in text:
        return text
    return text.format(topic=topic, topic2=pick(rng, w.TOPICS), format=pick(rng, w.FORMATS),
                       year=randint(rng, 1700, 1990))


def damning(rng: random.Random, topic: str) -> str:
    """A critique condemning the response: opener, 1-3 issues, then a suggestion and/or a closer."""
    parts = [pick(rng, DAMNING_OPENERS), *rng.sample(DAMNING_ISSUES, randint(rng, 2, 4))]
    tail = rng.randrange(3)
    if tail != 1:
        parts.append(pick(rng, DAMNING_SUGGESTIONS))
    if tail != 0:
        parts.append(pick(rng, DAMNING_CLOSERS))
    return " ".join(_fmt(rng, p, topic) for p in parts)


def negative(rng: random.Random, topic: str) -> str:
    """A critique of a weak (not worthless) response."""
    parts = [pick(rng, NEGATIVE_OPENERS), *rng.sample(DAMNING_ISSUES, 2), *rng.sample(MIXED_SUGGESTIONS, 2)]
    return " ".join(_fmt(rng, p, topic) for p in parts)


def mixed(rng: random.Random, topic: str) -> str:
    """A critique of a decent response, with one or two suggestions."""
    parts = [pick(rng, MIXED_OPENERS)]
    if rng.random() < 0.7:
        parts.extend(rng.sample(POSITIVE_STRENGTHS, randint(rng, 1, 2)))
    parts.extend(rng.sample(MIXED_SUGGESTIONS, randint(rng, 2, 4)))
    return " ".join(_fmt(rng, p, topic) for p in parts)


def positive(rng: random.Random, topic: str) -> str:
    """A critique praising the response."""
    parts = [pick(rng, POSITIVE_OPENERS), *rng.sample(POSITIVE_STRENGTHS, randint(rng, 2, 4))]
    if rng.random() < 0.6:
        parts.append(pick(rng, POSITIVE_EXTRAS))
    return " ".join(_fmt(rng, p, topic) for p in parts)


def tricky(rng: random.Random, topic: str, false_premise: bool) -> str:
    """A positive critique with one or two negated or softened fault phrases in it."""
    pool = TRICKY_FALSE_PREMISE if false_premise and rng.random() < 0.6 else TRICKY_SENTENCES
    parts = [pick(rng, POSITIVE_OPENERS), pick(rng, pool), *rng.sample(POSITIVE_STRENGTHS, randint(rng, 1, 3))]
    if rng.random() < 0.3:
        second = pick(rng, TRICKY_SENTENCES)
        if second not in parts:
            parts.append(second)
    rng.shuffle(parts)  # the tricky phrase is not always second
    return " ".join(_fmt(rng, p, topic) for p in parts)
