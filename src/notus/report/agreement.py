"""Agreement between two reviewers: Cohen's kappa over the keys both judged.

WHY kappa and not the share of agreement: two reviewers who mark nearly everything `completion_ok` agree
most of the time by chance alone; kappa = (observed - expected) / (1 - expected), with the expected
agreement from each reviewer's own label frequencies, says how much better than chance they agree
(1 = always, 0 = as chance, < 0 = worse). Argilla's users asked for exactly this (argilla #4273).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence


def cohen_kappa(pairs: Sequence[tuple[object, object]]) -> float | None:
    """Kappa of (label by A, label by B) pairs over nominal labels; None when undefined (no pairs, or both
    reviewers always gave one and the same label, where chance agreement is already 1)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[label] * second[label] for label in first) / (n * n)
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)
