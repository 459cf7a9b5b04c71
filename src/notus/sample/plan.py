"""The record-level plan of a sample: each record's source and role, drawn up front with numpy.

WHY a plan: the things planted per record (a duplicate of an earlier prompt, a benchmark copy, a near-miss
control, a TruthfulQA question) are counted exactly rather than left to chance, so small samples still
hold every kind and the source mix equals the real one up to rounding. Drawing them as a few vectors of N
small integers is instant even for 640k records, and lets a duplicate find its original (an earlier
plain record) without looking at any text. Everything else about a record is drawn from its own RNG
(`record_seed`), so building record j again — to copy it as an exact duplicate — gives the same record.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from notus.sample.contamination import VARIANTS

# The real mix of openbmb/UltraFeedback (README at bf80fd4): 63,967 prompts.
SOURCE_COUNTS: dict[str, int] = {
    "evol_instruct": 10_000,
    "false_qa": 2_339,
    "flan": 20_939,
    "sharegpt": 19_949,
    "truthful_qa": 811,
    "ultrachat": 9_929,
}
SOURCES: tuple[str, ...] = tuple(SOURCE_COUNTS)
TRUTHFUL_QA = SOURCES.index("truthful_qa")

PLAIN, DUP_PROMPT, DUP_RECORD, CONTAMINATED, CONTROL = range(5)
DUP_PROMPT_RATE = 0.02  # records that repeat an earlier record's prompt with new completions
DUP_RECORD_RATE = 0.003  # records that repeat an earlier record byte for byte
_MASK = (1 << 64) - 1


def record_seed(seed: int, record_id: int, stream: int) -> int:
    """A 64-bit seed for one record's RNG stream (splitmix64 of seed, record and stream), so a record's
    randomness depends on nothing but its own coordinates."""
    x = (seed * 0x9E3779B97F4A7C15 + record_id * 0xBF58476D1CE4E5B9 + stream * 0x94D049BB133111EB) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


@dataclass(frozen=True)
class Plan:
    """Per-record vectors, all of length n."""

    n: int
    source: np.ndarray  # index into SOURCES
    role: np.ndarray  # PLAIN | DUP_PROMPT | DUP_RECORD | CONTAMINATED | CONTROL
    target: np.ndarray  # for duplicates: the plain record copied, else -1
    tqa_index: np.ndarray  # for truthful_qa records: index of the TruthfulQA question, else -1
    variant: np.ndarray  # for contaminated records: index into VARIANTS, else -1


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Integer counts summing to `total`, proportional to `weights` (largest remainder)."""
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


def contamination_count(n: int, rate: float) -> int:
    """Planted copies (and as many near-miss controls): `rate` of the prompts, but at least one per variant
    once the sample is big enough to spare them, so every variant can be measured."""
    count = round(n * rate)
    if rate > 0 and n >= 200:
        count = max(count, len(VARIANTS))
    return count


def make_plan(n: int, seed: int, tqa_items: int, contamination_rate: float) -> Plan:
    rng = np.random.default_rng([seed, 0x5A3B1E])
    weights = np.array([SOURCE_COUNTS[s] for s in SOURCES], dtype=np.float64)
    if not tqa_items:  # no TruthfulQA questions to draw from: no truthful_qa subset
        weights[TRUTHFUL_QA] = 0.0
    counts = _allocate(n, weights)
    source = rng.permutation(np.repeat(np.arange(len(SOURCES), dtype=np.int8), counts))

    role = np.full(n, PLAIN, dtype=np.int8)
    eligible = rng.permutation(np.flatnonzero(source != TRUTHFUL_QA))
    n_contaminated = min(contamination_count(n, contamination_rate), len(eligible) // 4)
    sizes = [(CONTAMINATED, n_contaminated), (CONTROL, n_contaminated),
             (DUP_PROMPT, round(n * DUP_PROMPT_RATE)), (DUP_RECORD, round(n * DUP_RECORD_RATE))]
    start = 0
    for kind, size in sizes:
        role[eligible[start:start + size]] = kind
        start += size

    # A duplicate copies a plain, non-TruthfulQA record chosen uniformly before it.
    plain = (role == PLAIN) & (source != TRUTHFUL_QA)
    prev_plain = np.maximum.accumulate(np.where(plain, np.arange(n), -1))
    target = np.full(n, -1, dtype=np.int64)
    dups = np.flatnonzero((role == DUP_PROMPT) | (role == DUP_RECORD))
    picks = prev_plain[np.floor(rng.random(len(dups)) * dups).astype(np.int64)]
    target[dups] = picks
    orphans = dups[picks < 0]  # nothing plain before them: they stay ordinary records
    role[orphans] = PLAIN
    target[orphans] = -1
    source[dups[picks >= 0]] = source[picks[picks >= 0]]  # a repeated prompt keeps its subset

    tqa_index = np.full(n, -1, dtype=np.int64)
    tqa_records = np.flatnonzero(source == TRUTHFUL_QA)
    if tqa_items and len(tqa_records):
        cycles = -(-len(tqa_records) // tqa_items)
        order = np.concatenate([rng.permutation(tqa_items) for _ in range(cycles)])
        tqa_index[tqa_records] = order[: len(tqa_records)]

    variant = np.full(n, -1, dtype=np.int8)
    contaminated = np.flatnonzero(role == CONTAMINATED)
    variant[contaminated] = rng.permutation(np.arange(len(contaminated)) % len(VARIANTS))
    return Plan(n, source, role, target, tqa_index, variant)
