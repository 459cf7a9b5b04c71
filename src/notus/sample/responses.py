"""Response composers: what a model answered, shaped by how good the answer is meant to be.

WHY the quality tiers: ratings and critiques are generated to agree with the response (a 1-rated answer is
off-topic, refuses or rambles; a 5-rated one is structured and on-topic), so anyone reading a planted
defect sees the same thing Argilla saw: a top critique score on an obviously poor answer.
"""

from __future__ import annotations

import random

from notus.sample import words as w
from notus.sample.draw import pick, randint
from notus.sample.prompts import Prompt
from notus.sample.sentences import SENTENCES

_OPENERS: tuple[str, ...] = (
    "Sure! Here is an overview of {topic}.",
    "Great question! {Topic} is a broad subject, so let me break it down.",
    "Certainly. Below is a structured answer about {topic}.",
    "{Topic} can be approached from several angles.",
    "Here is what you need to know about {topic}.",
    "Absolutely, I'd be happy to help with {topic}.",
    "Thank you for your question. Let me explain {topic} step by step.",
    "Of course! Let's look at {topic} in detail.",
    "To answer this well, it helps to first define {topic}.",
    "As an AI assistant, I can offer a summary of the most important points about {topic}.",
)
_CLOSERS: tuple[str, ...] = (
    "I hope this helps! Let me know if you have any other questions.",
    "In conclusion, {topic} is well worth the effort once the basics are in place.",
    "Feel free to ask if you would like more detail on any of these points.",
    "Overall, a careful and consistent approach gives the best results.",
    "Good luck, and enjoy exploring {topic}!",
    "Let me know if you want me to adapt this to your specific situation.",
)
_REFUSALS: tuple[str, ...] = (
    "I'm sorry, but as an AI language model, I cannot help with {topic}.",
    "I apologize, but I don't have enough information to answer that question.",
    "As an AI, I do not have personal opinions, so I cannot answer this.",
    "I'm not able to provide that information.",
)
_OFF_TOPIC: tuple[str, ...] = (
    "The weather today is quite pleasant and many people enjoy going for a walk.",
    "Bananas are a good source of potassium and are easy to carry.",
    "The answer is 42.",
    "Here is a recipe for pancakes: mix flour, eggs and milk, then fry in a pan.",
    "Please provide more context.",
    "Yes.",
    "No, that is not possible.",
)
_FALSE_PREMISE: tuple[str, ...] = (
    "Actually, the question is based on a false premise, so it cannot be answered as asked.",
    "I'm afraid this question contains an incorrect assumption.",
    "There seems to be a misunderstanding in the question: that is not something that happens.",
    "The premise of the question is not accurate, but here is some related information.",
)
_POEM_LINES: tuple[str, ...] = (
    "Beneath the quiet silver sky,", "the river hums a lullaby,", "and every stone remembers rain,",
    "the morning lifts the world again.", "A lantern glows on distant hills,", "the hush of dusk the valley fills,",
    "we walk where ancient roads have been,", "through fields of gold and evergreen.",
    "The city wakes in shades of grey,", "and dreams like sparrows fly away,", "a single light, a single song,",
    "reminds us where we all belong.", "The tide returns with patient hands,", "to write its secrets on the sands,",
    "and in the echo of the shore,", "I hear the ones who came before.",
)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _body(rng: random.Random, n_sentences: int) -> str:
    picks = rng.choices(SENTENCES, k=n_sentences)
    style = rng.randrange(3)
    if style == 0 or n_sentences < 6:
        cut = n_sentences // 2
        return " ".join(picks[:cut]) + "\n\n" + " ".join(picks[cut:])
    if style == 1:
        items = [f"{i + 1}. **{_cap(pick(rng, w.NOUNS))}**: {picks[2 * i]} {picks[2 * i + 1]}"
                 for i in range(n_sentences // 2)]
        return "\n".join(items)
    head = picks[: n_sentences // 3]
    bullets = "\n".join(f"- {s}" for s in picks[n_sentences // 3:])
    return " ".join(head) + "\n\n" + bullets


def _code(rng: random.Random) -> str:
    name = f"{pick(rng, w.VERBS)}_{pick(rng, w.NOUNS)}"
    return (f"```python\ndef {name}(items):\n    result = []\n    for item in items:\n"
            f"        if item not in result:\n            result.append(item)\n    return result\n\n\n"
            f"print({name}([3, 1, 3, 2, 1]))\n```")


def _poem(rng: random.Random) -> str:
    stanzas = []
    for _ in range(randint(rng, 2, 5)):
        start = rng.randrange(0, len(_POEM_LINES) - 4, 2)
        stanzas.append("\n".join(_POEM_LINES[start:start + 4]))
    return "\n\n".join(stanzas)


def good(rng: random.Random, prompt: Prompt, short: bool, calibrated: bool) -> str:
    """An on-topic, structured answer of roughly 100-400 words (short tasks: 10-80)."""
    topic = prompt.topic
    fmt = {"topic": topic, "Topic": _cap(topic)}
    if short:
        answer = prompt.correct_answers[0] if prompt.correct_answers[0] != "None" else "the sentence above"
        text = f"{' '.join(rng.choices(SENTENCES, k=randint(rng, 1, 4)))}\nSo the answer is: {answer}."
    elif prompt.false_premise:
        text = (f"{pick(rng, _FALSE_PREMISE)} {' '.join(rng.choices(SENTENCES, k=randint(rng, 2, 6)))}\n\n"
                f"{pick(rng, _CLOSERS).format(**fmt)}")
    elif prompt.creative:
        text = f"{_cap(pick(rng, ('Title: ', 'Here is my piece: ', '')))}{_poem(rng)}"
    else:
        parts = [pick(rng, _OPENERS).format(**fmt), _body(rng, randint(rng, 9, 26))]
        if prompt.correct_answers[0] != "None":
            parts.insert(1, f"In short: {prompt.correct_answers[0]}.")
        if prompt.coding:
            parts.insert(1, _code(rng))
        parts.append(pick(rng, _CLOSERS).format(**fmt))
        text = "\n\n".join(parts)
    if calibrated:
        text += f"\n\nConfidence: {rng.randrange(60, 100, 5)}%"
    return text


def mediocre(rng: random.Random, prompt: Prompt, short: bool, calibrated: bool) -> str:
    """A shorter, vaguer answer that only partly addresses the prompt."""
    fmt = {"topic": prompt.topic, "Topic": _cap(prompt.topic)}
    n = randint(rng, 1, 3) if short else randint(rng, 5, 12)
    text = pick(rng, _OPENERS).format(**fmt) + " " + " ".join(rng.choices(SENTENCES, k=n))
    if calibrated:
        text += f"\n\nConfidence: {rng.randrange(40, 95, 5)}%"
    return text


def bad(rng: random.Random, prompt: Prompt, calibrated: bool) -> str:
    """An answer that refuses, wanders off-topic, or repeats itself."""
    kind = rng.randrange(4)
    if kind == 0:
        text = pick(rng, _REFUSALS).format(topic=prompt.topic)
    elif kind == 1:
        text = " ".join(rng.sample(_OFF_TOPIC, randint(rng, 1, 3)))
    elif kind == 2:
        sentence = pick(rng, SENTENCES)
        text = " ".join([sentence] * randint(rng, 3, 8))
    else:
        text = " ".join(rng.choices(SENTENCES, k=randint(rng, 3, 9)))  # fluent but about something else
    if calibrated:
        text += f"\n\nConfidence: {rng.randrange(50, 100, 5)}%"
    return text
