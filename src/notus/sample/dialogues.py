"""Synthetic conversations for the preference shapes: a prompt with its earlier turns, and answers of a
chosen quality, built from the UltraFeedback sample's prompt and response composers.

WHY a conversation and not a prompt: the other preference sets are multi-turn (about a third of HH and
HelpSteer2 prompts, Nectar's lmsys share), and the point of the shape samples is that history survives
ingest, decontamination and the published pairs. So a conversation here is 1-3 user turns with the
assistant's replies between them; the answers compete for the last turn.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from notus.sample import prompts as p
from notus.sample import responses as r
from notus.sample import words as w
from notus.sample.draw import pick

_MAKERS = (p.sharegpt, p.evol_instruct, p.ultrachat, p.flan, p.false_qa)
_FOLLOW_UPS = (
    "Thanks! Can you make it shorter?", "Could you give me an example of {topic}?",
    "What would you change if I were doing this {qualifier}?", "Why is that?", "Can you explain the second point?",
    "And how does that relate to {topic}?", "Great. Now summarise it in three bullet points.",
    "That's not quite what I meant. I was asking about {topic}.",
)
MULTI_TURN_SHARE = 0.3


@dataclass(frozen=True)
class Dialogue:
    """The turns before the answer (role, text), ending with a user turn, and the prompt behind the last."""

    turns: tuple[tuple[str, str], ...]
    prompt: p.Prompt

    @property
    def last_user(self) -> str:
        return self.turns[-1][1]


def dialogue(rng: random.Random, first: str | None = None) -> Dialogue:
    """A conversation of 1 user turn, or (MULTI_TURN_SHARE) 2-3 user turns with replies between them.
    `first` replaces the first user turn's text (a planted benchmark copy)."""
    prompt = pick(rng, _MAKERS)(rng)
    turns: list[tuple[str, str]] = [("user", first if first is not None else prompt.text)]
    if rng.random() < MULTI_TURN_SHARE:
        for _ in range(rng.choice((1, 1, 2))):
            turns.append(("assistant", r.mediocre(rng, prompt, short=True, calibrated=False)))
            follow = pick(rng, _FOLLOW_UPS).format(topic=pick(rng, w.TOPICS), qualifier=pick(rng, w.PLACES))
            turns.append(("user", follow))
    return Dialogue(tuple(turns), prompt)


def answer(rng: random.Random, d: Dialogue, quality: int) -> str:
    """An answer to the last turn: quality 2 good, 1 mediocre, 0 bad."""
    if quality >= 2:
        return r.good(rng, d.prompt, short=False, calibrated=False)
    if quality == 1:
        return r.mediocre(rng, d.prompt, short=False, calibrated=False)
    return r.bad(rng, d.prompt, calibrated=False)


def model(rng: random.Random) -> str:
    return pick(rng, w.MODELS)


def hh(turns: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> str:
    """Turns as an Anthropic HH transcript."""
    return "".join(f"\n\n{'Human' if role == 'user' else 'Assistant'}: {text}" for role, text in turns)


def extra_id(turns: tuple[tuple[str, str], ...]) -> str:
    """Turns as a HelpSteer2 prompt: the first user turn plain, then <extra_id_1> lines."""
    head, *rest = turns
    lines = [head[1]]
    for role, text in rest:
        lines.append(f"<extra_id_1>{'User' if role == 'user' else 'Assistant'}\n{text}")
    return "\n".join(lines)


def messages(turns: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"role": role, "content": text} for role, text in turns]
