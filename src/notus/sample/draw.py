"""Fast draws from a `random.Random`: one element, or an integer in a closed range.

WHY: `Random.choice` and `Random.randint` run a Python-level rejection loop per call and were the largest
cost of generating 256k completions; scaling one `random()` float is several times faster, still fully
determined by the seed, and its bias (below 2**-40 for these list sizes) is irrelevant to sample data.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def pick(rng: random.Random, seq: Sequence[T]) -> T:
    """One element of a non-empty sequence."""
    return seq[int(rng.random() * len(seq))]


def randint(rng: random.Random, lo: int, hi: int) -> int:
    """An integer in [lo, hi]."""
    return lo + int(rng.random() * (hi - lo + 1))
