"""How a benchmark item is copied into a training prompt: the variants planted, and near-miss controls.

WHY these variants: they are the ways a copy escapes a plain string comparison while remaining the same
question — a normaliser must undo case, punctuation, whitespace and Unicode-form changes, and an n-gram or
containment rule must find an item embedded in a longer prompt. Near-miss controls share only a short run
of words with one item (2-4 words, at most half of it; a template word beside the run may lengthen it by
one) and must NOT be flagged; they measure the false-positive rate. Each function returns None when the
item cannot carry the variant (e.g. no cased letters to change), and the planner then picks another item.
"""

from __future__ import annotations

import random
import string
import unicodedata

from notus.sample import words as w
from notus.sample.draw import pick, randint
from notus.sample.sentences import passage

VARIANTS: tuple[str, ...] = ("exact", "case", "punctuation", "whitespace", "unicode", "embedded")
CONTROL = "control"

_PUNCT_TABLE = str.maketrans("", "", string.punctuation)
_FULLWIDTH_TABLE = {c: c + 0xFEE0 for c in range(0x21, 0x7F)} | {0x20: 0x3000}
_CURLY = {"'": "\u2019", '"': "\u201c"}

_PREFIXES: tuple[str, ...] = (
    "I came across this question in a quiz and I'm not sure about the answer.",
    "My teacher gave us the following task:",
    "Here is something I have been wondering about for a while.",
    "Please help me with this one:",
    "A friend asked me this over dinner and we could not agree.",
    "For a presentation next week I need a good answer to the following.",
    "Context: I am preparing study notes.",
    "Can you answer this for me?",
)
_SUFFIXES: tuple[str, ...] = (
    "Please explain your reasoning.",
    "Answer in no more than three sentences.",
    "Thanks in advance!",
    "Also, list the sources you would use.",
    "Give me a detailed answer with examples.",
    "Keep it simple, it's for a beginner.",
    "Be as accurate as possible.",
)
_CONTROL_TEMPLATES: tuple[str, ...] = (
    'I keep hearing the phrase "{span}" in {domain} discussions. What does it usually refer to?',
    "Write a short paragraph about {topic} that naturally uses the words '{span}'.",
    "{context} How would you relate this to {span}?",
    "In the context of {topic}, would '{span}' make a good title for a blog post? Suggest three alternatives.",
    "Translate the words '{span}' into French and use them in a sentence about {topic}.",
    "Make a crossword clue whose answer is related to {span}.",
)


def _case(rng: random.Random, text: str) -> str | None:
    options = [text.lower(), text.upper(), text.swapcase(), text[:1].lower() + text[1:]]
    rng.shuffle(options)
    return next((o for o in options if o != text), None)


def _punctuation(rng: random.Random, text: str) -> str | None:
    stripped = text.translate(_PUNCT_TABLE)
    if rng.random() < 0.5 and stripped != text and stripped.strip():
        return stripped
    ends = {"?": ".", ".": "?", "!": "."}
    swapped = text[:-1] + ends[text[-1]] if text[-1:] in ends else text + "?"
    return swapped.replace(",", "")


def _whitespace(rng: random.Random, text: str) -> str | None:
    words = text.split(" ")
    kind = rng.randrange(3)
    if kind == 0:
        return "  ".join(words)
    if kind == 1 and len(words) > 3:
        cut = rng.randrange(1, len(words) - 1)
        return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])
    return "\n " + "\t".join(words) + "  \n"


def _unicode(rng: random.Random, text: str) -> str | None:
    forms = ["fullwidth"]
    if " " in text:
        forms.append("nbsp")
    if "'" in text or '"' in text:
        forms.append("curly")
    if unicodedata.normalize("NFKD", text) != text:
        forms.append("nfkd")
    form = pick(rng, forms)
    if form == "fullwidth":
        return text.translate(_FULLWIDTH_TABLE)
    if form == "nbsp":
        return text.replace(" ", "\u00a0")
    if form == "curly":
        out, open_quote = [], True
        for ch in text:  # items are short (one question); this loop runs a few hundred times per sample
            if ch == '"':
                out.append("\u201c" if open_quote else "\u201d")
                open_quote = not open_quote
            else:
                out.append(_CURLY.get(ch, ch))
        return "".join(out)
    return unicodedata.normalize("NFKD", text)


def _embedded(rng: random.Random, text: str) -> str | None:
    before = pick(rng, _PREFIXES)
    after = pick(rng, _SUFFIXES)
    if rng.random() < 0.4:
        before = passage(rng, randint(rng, 1, 3)) + " " + before
    if rng.random() < 0.3:
        after = after + " " + passage(rng, randint(rng, 1, 2))
    sep = pick(rng, (" ", "\n", "\n\n"))
    return f"{before}{sep}{text}{sep}{after}"


def apply_variant(rng: random.Random, text: str, variant: str) -> str | None:
    """`text` copied as `variant` (one of VARIANTS), or None when this item cannot carry it."""
    if variant == "exact":
        return text
    fn = {"case": _case, "punctuation": _punctuation, "whitespace": _whitespace, "unicode": _unicode,
          "embedded": _embedded}[variant]
    out = fn(rng, text)
    return out if out is not None and out != text else None


def near_miss(rng: random.Random, text: str) -> str | None:
    """A prompt sharing one short run of words (2-4 words, at most half the item) with `text`, or None when
    the item is too short to leave a genuine near miss."""
    words = text.translate(_PUNCT_TABLE).split()
    if len(words) < 6:
        return None
    k = randint(rng, 2, min(4, len(words) // 2))
    start = rng.randrange(0, len(words) - k + 1)
    span = " ".join(words[start:start + k])
    return pick(rng, _CONTROL_TEMPLATES).format(
        span=span, domain=pick(rng, w.DOMAINS), topic=pick(rng, w.TOPICS), context=passage(rng, 2))
