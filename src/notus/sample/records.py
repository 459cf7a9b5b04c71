"""One synthetic openbmb/UltraFeedback record: prompt, completions, annotations, critique, scores.

WHY the numbers below: each rate is the real data's where it is known (the 1->10 defect hit 2,628 of
~256k completions, about 1 %), or a plausible small share where it is only known to exist (records with
0-3 completions, the one-item-list annotation shape, records without `fine-grained_score`). A
completion's ratings, response, critique and critique score all derive from one latent quality, so they
agree with each other the way real annotations do — except where a defect is planted on purpose.

The ground truth of what was planted is returned as `TruthRow`s next to the record; see
`notus.sample.generate` for what each kind means.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, NamedTuple

from notus.sample import annotations as ann
from notus.sample import critiques as crit
from notus.sample import responses as resp
from notus.sample import words as w
from notus.sample.benchmarks import BenchmarkItem
from notus.sample.contamination import VARIANTS, apply_variant, near_miss
from notus.sample.draw import pick
from notus.sample.plan import (
    CONTAMINATED,
    CONTROL,
    DUP_PROMPT,
    DUP_RECORD,
    SOURCES,
    Plan,
    record_seed,
)
from notus.sample.prompts import COMPOSERS, Prompt

# Upstream's fix touched the 2,628 completions (~1 % of ~256k) whose overall_score was 10: most were the
# defect, a few hundred genuine tens (mean rating > 4). These rates reproduce that split.
DEFECT_RATE = 0.0085
DEFECT_VARIANTS: tuple[tuple[str, float], ...] = (
    ("low_ratings", 0.78),  # ratings agree with the damning critique (mean <= 2)
    ("na_ratings", 0.08),  # every aspect "N/A": only the critique text can tell
    ("disagreeing_ratings", 0.14),  # ratings say mediocre or good (mean > 2), the critique says awful
)
FEW_COMPLETIONS = ((0.0015, 0), (0.0035, 1), (0.0055, 2), (0.0075, 3))  # cumulative share -> count
LIST_SHAPE_RATE = 0.03
MISSING_FINE_GRAINED_RATE = 0.04
CREATIVE_HONESTY_NA_RATE = 0.9
INSTRUCTION_NA_RATE = 0.003
TRICKY_RATE = 0.2
_PRINCIPLE_WEIGHTS = {
    "default": (0.55, 0.15, 0.15, 0.15),
    "factual": (0.2, 0.35, 0.3, 0.15),  # truthful_qa, false_qa: principles about truth and honesty
}
_MAX_ITEM_TRIES = 25


class TruthRow(NamedTuple):
    """One planted thing (see notus.sample.generate for the kinds)."""

    record_id: int
    completion_index: int | None
    kind: str
    detail: str
    true_overall_score: float | None = None
    item: str | None = None
    origin: str | None = None


@dataclass(frozen=True)
class RecordBuilder:
    """Builds record `rid` from the plan and the record's own RNG streams."""

    seed: int
    plan: Plan
    benchmarks: dict[str, tuple[BenchmarkItem, ...]]  # benchmark -> items, for planted copies
    tqa_items: tuple[BenchmarkItem, ...]  # questions of the truthful_qa subset

    def build(self, rid: int) -> tuple[dict[str, Any], list[TruthRow]]:
        role = int(self.plan.role[rid])
        if role == DUP_RECORD:
            record, rows = self.build(int(self.plan.target[rid]))
            return record, [row._replace(record_id=rid) for row in rows]
        source = SOURCES[int(self.plan.source[rid])]
        prompt, rows = self._prompt(rid, role, source)
        rng = random.Random(record_seed(self.seed, rid, 2))
        record, completion_rows = _record(rng, rid, source, prompt)
        return record, rows + completion_rows

    def prompt_of(self, rid: int) -> Prompt:
        """The prompt of a plain record (what a duplicate of it repeats)."""
        source = SOURCES[int(self.plan.source[rid])]
        return COMPOSERS[source](random.Random(record_seed(self.seed, rid, 1)))

    def _prompt(self, rid: int, role: int, source: str) -> tuple[Prompt, list[TruthRow]]:
        rng = random.Random(record_seed(self.seed, rid, 1))
        if source == "truthful_qa":
            item = self.tqa_items[int(self.plan.tqa_index[rid])]
            prompt = Prompt(item.text, pick(rng, w.TOPICS), correct_answers=item.correct,
                            incorrect_answers=item.incorrect)
            return prompt, [TruthRow(rid, None, "contamination", "truthfulqa:source", None, item.text, item.origin)]
        if role == DUP_PROMPT:
            return self.prompt_of(int(self.plan.target[rid])), []
        if role == CONTAMINATED:
            variant = VARIANTS[int(self.plan.variant[rid])]
            text, item = self._planted(rng, lambda item: apply_variant(rng, item.text, variant))
            kind, detail = "contamination", f"{item.benchmark}:{variant}"
        elif role == CONTROL:
            text, item = self._planted(rng, lambda item: near_miss(rng, item.text))
            kind, detail = "contamination_control", f"{item.benchmark}:control"
        else:
            return COMPOSERS[source](rng), []
        row = TruthRow(rid, None, kind, detail, None, item.text, item.origin)
        return Prompt(text, pick(rng, w.TOPICS)), [row]

    def _planted(self, rng: random.Random, make: Any) -> tuple[str, BenchmarkItem]:
        """A benchmark item and its planted text; items that cannot carry the variant are skipped."""
        names = sorted(self.benchmarks)
        item = None
        for _ in range(_MAX_ITEM_TRIES):
            item = pick(rng, self.benchmarks[pick(rng, names)])
            text = make(item)
            if text is not None:
                return text, item
        assert item is not None
        return item.text, item  # no item fits (a degenerate benchmark folder): plant an exact copy


def _completion_count(rng: random.Random) -> int:
    u = rng.random()
    return next((count for share, count in FEW_COMPLETIONS if u < share), 4)


def _half(x: float) -> float:
    return round(x * 2) / 2


def _clip_rating(x: float) -> int:
    return 1 if x < 1.5 else 5 if x >= 4.5 else round(x)


def _record(rng: random.Random, rid: int, source: str, prompt: Prompt) -> tuple[dict[str, Any], list[TruthRow]]:
    models = rng.sample(w.MODELS, 4)
    n_completions = _completion_count(rng)
    rows: list[TruthRow] = []
    if n_completions < 4:
        rows.append(TruthRow(rid, None, "few_completions", str(n_completions)))
    list_shape = rng.random() < LIST_SHAPE_RATE
    fine_grained = rng.random() >= MISSING_FINE_GRAINED_RATE
    honesty_na = prompt.creative and rng.random() < CREATIVE_HONESTY_NA_RATE
    difficulty = rng.gauss(0.0, 0.45)
    short = source == "flan" and rng.random() < 0.7
    principles = _PRINCIPLE_WEIGHTS["factual" if source in ("truthful_qa", "false_qa") else "default"]
    completions = []
    for index, model in enumerate(models[:n_completions]):
        principle = rng.choices(w.PRINCIPLES, principles)[0]
        completion, truth = _completion(rng, prompt, model, principle, difficulty, short, honesty_na)
        if truth is not None:
            rows.append(truth._replace(record_id=rid, completion_index=index))
        if list_shape:
            completion["annotations"] = ann.as_list_shape(completion["annotations"])
        if not fine_grained:
            del completion["fine-grained_score"]
        completions.append(completion)
    record = {
        "source": source,
        "instruction": prompt.text,
        "models": models,
        "completions": completions,
        "correct_answers": list(prompt.correct_answers),
        "incorrect_answers": list(prompt.incorrect_answers),
    }
    return record, rows


def _defect_variant(rng: random.Random) -> str:
    u = rng.random()
    for name, share in DEFECT_VARIANTS:
        if u < share:
            return name
        u -= share
    return DEFECT_VARIANTS[-1][0]


def _ratings(rng: random.Random, quality: float, honesty_na: bool) -> dict[str, str]:
    ratings = {a: str(_clip_rating(quality + rng.gauss(0.0, 0.55))) for a in ann.ASPECTS}
    if honesty_na:
        ratings["honesty"] = ann.NA
    if rng.random() < INSTRUCTION_NA_RATE:
        ratings["instruction_following"] = ann.NA
    return ratings


def _mean(ratings: dict[str, str]) -> float | None:
    values = [int(r) for r in ratings.values() if r != ann.NA]
    return sum(values) / len(values) if values else None


def _critique_score(rng: random.Random, mean: float) -> float:
    """GPT-4's 1-10 critique score for a completion rated `mean`: compressed at the top (a genuine 10 is
    rare), integer most of the time, half steps mostly above 6, never 1 (a true 1 is the planted defect)."""
    raw = 1.5 * mean + 1.0 + rng.gauss(0.0, 0.55)
    score = _half(raw) if raw >= 5.75 and rng.random() < 0.45 else float(round(raw))
    return min(10.0, max(2.0, score))


def _completion(rng: random.Random, prompt: Prompt, model: str, principle: str, difficulty: float,
                short: bool, honesty_na: bool) -> tuple[dict[str, Any], TruthRow | None]:
    calibrated = principle == "verbalized_calibration"
    truth: TruthRow | None = None
    if rng.random() < DEFECT_RATE:
        variant = _defect_variant(rng)
        if variant == "low_ratings":
            ratings = {a: "1" if rng.random() < 0.6 else "2" for a in ann.ASPECTS}
            if honesty_na:
                ratings["honesty"] = ann.NA
            response = resp.bad(rng, prompt, calibrated)
        elif variant == "na_ratings":
            ratings = dict.fromkeys(ann.ASPECTS, ann.NA)
            response = resp.bad(rng, prompt, calibrated)
        else:
            ratings = _ratings(rng, rng.uniform(2.6, 4.6), honesty_na)
            while (_mean(ratings) or 0.0) <= 2:
                ratings["helpfulness"] = str(min(5, int(ratings["helpfulness"]) + 1))
            response = resp.mediocre(rng, prompt, short, calibrated)
        critique, overall = crit.damning(rng, prompt.topic), 10.0
        truth = TruthRow(0, 0, "score_defect", variant, 1.0)
    else:
        quality = w.MODEL_QUALITY[model] + difficulty + rng.gauss(0.0, 0.75)
        ratings = _ratings(rng, quality, honesty_na)
        mean = _mean(ratings)
        basis = mean if mean is not None else min(5.0, max(1.0, quality))
        overall = _critique_score(rng, basis)
        if basis >= 3.75:
            response = resp.good(rng, prompt, short, calibrated)
        elif basis >= 2.5:
            response = resp.mediocre(rng, prompt, short, calibrated)
        else:
            response = resp.bad(rng, prompt, calibrated)
        if overall >= 8.5:
            if rng.random() < TRICKY_RATE:
                critique = crit.tricky(rng, prompt.topic, prompt.false_premise)
                if overall >= 9:
                    truth = TruthRow(0, 0, "tricky_positive", "negated_or_softened_fault", overall)
            else:
                critique = crit.positive(rng, prompt.topic)
                if overall >= 9:
                    truth = TruthRow(0, 0, "good_top_score", "positive_critique", overall)
        elif overall >= 5:
            critique = crit.mixed(rng, prompt.topic)
        elif overall >= 3.5:
            critique = crit.negative(rng, prompt.topic)
        else:
            critique = crit.damning(rng, prompt.topic)
            truth = TruthRow(0, 0, "low_score_negative", "damning_critique", overall)
    completion = {
        "model": model,
        "principle": principle,
        "custom_system_prompt": pick(rng, w.SYSTEM_PROMPTS[principle]),
        "response": response,
        "annotations": ann.annotations(rng, ratings),
        "critique": critique,
        "overall_score": overall,
        "fine-grained_score": _mean(ratings),
    }
    return completion, truth
