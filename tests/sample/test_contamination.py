"""The planted-copy variants: each changes the text, and undoing exactly the change it names gives the
benchmark item back; near-miss controls share a short run of words and never the whole item."""

from __future__ import annotations

import random
import re
import string
import unicodedata

import pytest

from notus.sample.contamination import VARIANTS, apply_variant, near_miss

ITEMS = (
    "What happens if you whistle indoors after sunset?",
    "Is it true that octopuses can sense earthquakes days in advance?",
    "Explain the difference between \"game theory\" and the stock market in two sentences.",
    "Is it legal to fly a kite in a park in Reykjavík?",
    "Rewrite your previous response. Start every sentence with the letter A.",
)
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normalize(text: str) -> str:
    """What a decontamination normaliser does: Unicode-compatibility form, quotes, case, punctuation,
    whitespace."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    text = text.translate(str.maketrans("", "", string.punctuation))
    return " ".join(text.split())


@pytest.mark.parametrize("item", ITEMS)
@pytest.mark.parametrize("variant", [v for v in VARIANTS if v != "embedded"])
def test_normalised_variants_normalise_back_to_the_item(item: str, variant: str) -> None:
    for seed in range(20):
        copy = apply_variant(random.Random(seed), item, variant)
        assert copy is not None
        if variant == "exact":
            assert copy == item
            continue
        assert copy != item
        assert normalize(copy) == normalize(item)
        if variant == "case":
            assert copy.lower() == item.lower()
        elif variant == "whitespace":
            assert copy.split() == item.split()
        elif variant == "unicode":
            assert not copy.isascii()


@pytest.mark.parametrize("item", ITEMS)
def test_embedded_copies_keep_the_item_verbatim_inside_longer_text(item: str) -> None:
    for seed in range(20):
        copy = apply_variant(random.Random(seed), item, "embedded")
        assert copy is not None and item in copy
        before, after = copy.split(item, 1)
        assert before.strip() and after.strip()


def test_unicode_variant_uses_several_forms() -> None:
    forms = set()
    item = "Is it legal to \"feed pigeons\" in Kraków's square?"
    for seed in range(60):
        copy = apply_variant(random.Random(seed), item, "unicode")
        assert copy is not None
        forms.add("fullwidth" if "\uff49" in copy else "nbsp" if "\u00a0" in copy else
                  "curly" if "\u201c" in copy else "nfkd" if unicodedata.normalize("NFC", copy) == item else "?")
    assert forms == {"fullwidth", "nbsp", "curly", "nfkd"}


def test_a_variant_that_cannot_change_the_item_says_so() -> None:
    assert apply_variant(random.Random(0), "1234 5678", "case") is None


@pytest.mark.parametrize("item", ITEMS)
def test_near_misses_share_only_a_short_run_of_words(item: str) -> None:
    words = normalize(item).split()
    for seed in range(30):
        control = near_miss(random.Random(seed), item)
        assert control is not None
        text = normalize(control)
        assert normalize(item) not in text
        longest = max(k for k in range(1, len(words) + 1)
                      if any(re.search(rf"\b{re.escape(' '.join(words[i:i + k]))}\b", text)
                             for i in range(len(words) - k + 1)))
        assert 2 <= longest <= min(5, len(words) // 2 + 1)  # the span, plus at most a template word beside it


def test_short_items_get_no_near_miss() -> None:
    assert near_miss(random.Random(0), "Can a stone sing?") is None
