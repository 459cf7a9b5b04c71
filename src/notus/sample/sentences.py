"""A bank of ready-made explanatory sentences that prompts' passages and responses are assembled from.

WHY precomputed: the generator must write ~256k completions of 100-400 words in seconds. Filling
templates word by word for every response would dominate the run time; filling them once at import (a
fixed internal seed, so the bank is the same in every process) and then picking whole sentences makes a
response a single `join` over a handful of list picks, while thousands of distinct sentences keep the
texts varied enough that no two responses look alike.
"""

from __future__ import annotations

import random

from notus.sample import words as w
from notus.sample.draw import pick, randint

_TEMPLATES: tuple[str, ...] = (
    "One {adj} way to {verb} {topic} is to start with a clear {noun}.",
    "In {domain}, {topic} is often used to {verb} the {noun} and achieve {outcome}.",
    "Experts generally recommend a {adj} {noun} because it leads to {outcome}.",
    "It is important to {verb} the {noun} regularly, especially when working with {topic}.",
    "A common mistake is to ignore the {noun}, which makes {topic} much harder to {verb}.",
    "Studies from the last {num} years suggest that {topic} has a measurable effect on {domain}.",
    "For example, a team in {place} used a {adj} {noun} to {verb} their work on {topic}.",
    "This {noun} works best when it is {adj} and easy to {verb}.",
    "You can {verb} the {noun} in {num} simple steps, as described below.",
    "Keep in mind that {aspect} of {topic} may vary depending on the context.",
    "Another factor to consider is {aspect}, which many beginners overlook.",
    "Over time, a {adj} {noun} tends to produce {outcome}.",
    "If you are new to {topic}, focus first on the {noun} and only later on the details.",
    "The main advantage of this {noun} is that it is {adj} and {adj2}.",
    "However, there are trade-offs: a more {adj} {noun} may require extra time to {verb}.",
    "Many people in {domain} {verb} their {noun} every week to stay on track.",
    "Finally, remember to {verb} the results so that you can {verb2} them later.",
    "{Topic} became widely discussed around {year}, when new tools made it easier to {verb} the {noun}.",
    "A simple rule of thumb is to {verb} one {noun} at a time and write down what changes.",
    "To sum up, {topic} rewards a {adj} approach and a good deal of patience.",
    "This means the {noun} should be reviewed at least every {num} weeks.",
    "As a result, {outcome} can usually be expected within a few months.",
    "Note that the figures above are approximate and may differ in {place}.",
    "Start by writing down your goals, then {verb} the {noun} that matters most.",
    "When it comes to {topic}, the {noun} is usually the first thing to {verb}.",
    "Researchers in {domain} have compared several methods and found that a {adj} {noun} performs well.",
    "It also helps to {verb} {aspect}, since it explains why the {noun} behaves the way it does.",
    "A second step is to {verb} the {noun} against a small, {adj} baseline.",
    "There is no single right answer, but a {adj} {noun} is a sensible default.",
    "Some sources claim that {topic} is only relevant to {domain}, but that is an oversimplification.",
    "In practice, the {noun} is rarely perfect, so plan to {verb} it as you learn more.",
    "The key idea behind {topic} is surprisingly simple once the {noun} is in place.",
    "Organisations that {verb} their {noun} early tend to report {outcome}.",
    "Make sure the {noun} is {adj}; otherwise it becomes difficult to {verb} later.",
    "Historically, {topic} developed alongside changes in {domain}, roughly {num} decades ago.",
    "By contrast, a less {adj} {noun} can lead to confusion and rework.",
    "If budget is a concern, {verb} the {noun} first and postpone everything else.",
    "The table below summarises {aspect} of {topic} in a compact form.",
    "Think of the {noun} as a map: it shows where you are and what to {verb} next.",
    "Each option has its own strengths, and the best choice depends on your {noun}.",
    "About {pct}% of respondents in a recent survey said they {verb} their {noun} at least monthly.",
    "For most readers, the {adj} option will be enough to {verb} {topic} effectively.",
    "This is why {aspect} is discussed so often in connection with {topic}.",
    "A well-chosen {noun} can save hours of work and make {topic} far more approachable.",
    "Be careful not to {verb} too many things at once, because the {noun} can become hard to read.",
    "Once the basics are clear, you can {verb} more advanced ideas such as {aspect}.",
)

# Sentences that carry non-ASCII characters, mixed into the bank at a low rate.
_NON_ASCII_TEMPLATES: tuple[str, ...] = (
    "In {place}, the typical value is around 18 °C, which is worth keeping in mind.",
    "A naïve {noun} may work at first, but it rarely survives contact with real data.",
    "The café’s owners in {place} used exactly this {noun} to {verb} their costs.",
    "Budget roughly €{num}00 for the first month — more if you need extra tools.",
    "As the saying goes, “measure twice, cut once”, and it applies to {topic} too.",
    "The ratio is approximately ½, so double the amount if you are cooking for four.",
    "In Japanese this idea is called 改善 (kaizen): small, continuous improvement.",
    "Results improved by ±{num}% after the team started to {verb} the {noun}.",
    "The formula is simple: x² + y² = r², and the rest follows from it.",
    "Think of it as a pipeline: input → {noun} → output.",
)


def _fill(rng: random.Random, template: str) -> str:
    topic = pick(rng, w.TOPICS)
    return template.format(
        adj=pick(rng, w.ADJECTIVES),
        adj2=pick(rng, w.ADJECTIVES),
        verb=pick(rng, w.VERBS),
        verb2=pick(rng, w.VERBS),
        noun=pick(rng, w.NOUNS),
        topic=topic,
        Topic=topic[:1].upper() + topic[1:],
        domain=pick(rng, w.DOMAINS),
        outcome=pick(rng, w.OUTCOMES),
        aspect=pick(rng, w.ASPECTS),
        place=pick(rng, w.PLACES),
        num=randint(rng, 2, 12),
        pct=randint(rng, 12, 87),
        year=randint(rng, 1950, 2021),
    )


def _build(size: int, non_ascii_every: int, seed: int) -> tuple[str, ...]:
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(size):
        pool = _NON_ASCII_TEMPLATES if i % non_ascii_every == 0 else _TEMPLATES
        out.append(_fill(rng, pick(rng, pool)))
    return tuple(out)


# ~1 sentence in 60 carries non-ASCII text, so roughly a third of long responses contain some.
SENTENCES: tuple[str, ...] = _build(6000, 60, seed=20231129)


def passage(rng: random.Random, n_sentences: int) -> str:
    """A paragraph of `n_sentences` bank sentences."""
    return " ".join(rng.choices(SENTENCES, k=n_sentences))
