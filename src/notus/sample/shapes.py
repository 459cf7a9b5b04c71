"""Synthetic records in the published schemas of the other preference sets, with their quirks and defects
planted at known rows: `notus sample --shape pairwise|rated|ranked`.

WHY: the pairwise, rated and ranked pipelines must run and be tested offline, and their quarantine rules
measured against a known answer. Each record is a function of (seed, schema, record_id) alone.

Schemas (see ../shared/reference/preference-datasets.md), the folder each is written to, and what is planted
(kind -> the outcome curation must give it, in the truth table):
- hh-rlhf (pairwise): {chosen, rejected} HH transcripts, ~30 % multi-turn. broken_transcript (no tags),
  diverging_history (an earlier turn differs), ends_with_human -> invalid:transcript; identical_pair ->
  invalid:identical_pair; duplicate_record -> duplicate.
- ultrafeedback-binarized (pairwise, HuggingFaceH4's schema): prompt, prompt_id, chosen/rejected/messages
  as [user, assistant] lists, score_chosen/score_rejected (0-10; ~10 % ties, kept). score_out_of_scale ->
  invalid:score; placeholder ("N/A" answer) -> invalid:missing_rejected; identical_pair; prompt_mismatch
  -> invalid:prompt_mismatch; duplicate_prompt -> duplicate_prompt; contamination (a synthetic benchmark
  item as the prompt) -> contaminated.
- helpsteer2 (rated): one row per response, two consecutive rows per prompt, five aspects 0-4, multi-turn
  prompts in <extra_id_1> lines. rating_out_of_scale, missing_aspect -> invalid:rating (that ROW; its
  partner is left alone: too_few_completions).
- nectar (ranked): HH prompt ending with "\\n\\nAssistant: ", 7 answers {answer, model, rank}, turns,
  num_responses, source list, good_natured. rank_gap (1..6, 9), rank_repeat (1, 2, 3, 3, 4, 5, 6) ->
  invalid:ranks; rank_tie (1, 2, 2, 4, ...: a valid tie) and leaked_turn (an answer running on into a
  "\\n\\nHuman:" turn) are kept, as the data has them.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from typing import Any

from notus.sample import dialogues as dlg
from notus.sample.benchmarks import synthetic_items
from notus.sample.contamination import apply_variant
from notus.sample.draw import pick

Truth = tuple[str, str | None]  # (kind, expected outcome) of one planted thing
Built = tuple[dict[str, Any], list[Truth]]
Earlier = Callable[[random.Random], dict[str, Any] | None]  # an earlier record with nothing planted, if any
SCHEMAS = {"hh-rlhf": "pairwise", "ultrafeedback-binarized": "pairwise", "helpsteer2": "rated", "nectar": "ranked"}
ASPECTS = ("helpfulness", "correctness", "coherence", "complexity", "verbosity")
NECTAR_SOURCES = ("anthropic-hh", "lmsys-chat-1m", "sharegpt", "ultrachat", "evol_instruct", "flan_v2_niv2")


def _rng(seed: int, schema: str, index: int) -> random.Random:
    return random.Random(f"{seed}:{schema}:{index}")


def _plant(rng: random.Random, rates: dict[str, float]) -> str | None:
    roll = rng.random()
    for kind, rate in rates.items():
        if roll < rate:
            return kind
        roll -= rate
    return None


def hh_rlhf(rng: random.Random, earlier: Earlier) -> Built:
    kind = _plant(rng, {"broken_transcript": 0.01, "diverging_history": 0.01, "ends_with_human": 0.005,
                        "identical_pair": 0.005, "duplicate_record": 0.01})
    original = earlier(rng) if kind == "duplicate_record" else None
    if original is not None:
        return original, [("duplicate_record", "duplicate")]
    d = dlg.dialogue(rng)
    good, worse = dlg.answer(rng, d, 2), dlg.answer(rng, d, rng.choice((0, 1)))
    chosen, rejected = [*d.turns, ("assistant", good)], [*d.turns, ("assistant", worse)]
    expected = {"broken_transcript": "invalid:transcript", "diverging_history": "invalid:transcript",
                "ends_with_human": "invalid:transcript", "identical_pair": "invalid:identical_pair"}
    if kind == "identical_pair":
        rejected = list(chosen)
    elif kind == "diverging_history":
        rejected[0] = ("user", rejected[0][1] + " Please answer in French.")
    elif kind == "ends_with_human":
        chosen.append(("user", "Thanks."))
    record = {"chosen": dlg.hh(chosen), "rejected": dlg.hh(rejected)}
    if kind == "broken_transcript":
        record["chosen"] = good
    return record, [(kind, expected[kind])] if kind in expected else []


def _benchmark_prompt(rng: random.Random) -> str | None:
    items = [i for group in synthetic_items().values() for i in group]
    item = pick(rng, items)
    return apply_variant(rng, item.text, rng.choice(("exact", "case")))


def ultrafeedback_binarized(rng: random.Random, earlier: Earlier) -> Built:
    kind = _plant(rng, {"score_out_of_scale": 0.005, "placeholder": 0.005, "identical_pair": 0.005,
                        "prompt_mismatch": 0.003, "duplicate_prompt": 0.01, "contamination": 0.01})
    copied = _benchmark_prompt(rng) if kind == "contamination" else None
    if kind == "duplicate_prompt":
        original = earlier(rng)
        copied = original["prompt"] if original is not None else None
    d = dlg.dialogue(rng, first=copied)
    d = dlg.Dialogue(d.turns[:1], d.prompt)  # H4 is single-turn
    prompt = d.last_user
    good, worse = dlg.answer(rng, d, 2), dlg.answer(rng, d, rng.choice((0, 1)))
    score_chosen = rng.choice((7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0))
    score_rejected = score_chosen if rng.random() < 0.1 else rng.choice((1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 6.5))
    if kind == "identical_pair":
        worse = good
    elif kind == "placeholder":
        worse = "N/A"
    elif kind == "score_out_of_scale":
        score_chosen = 11.0
    chosen = dlg.messages([("user", prompt), ("assistant", good)])
    rejected = dlg.messages([("user", prompt), ("assistant", worse)])
    shown = prompt + " (v2)" if kind == "prompt_mismatch" else prompt
    record = {"prompt": shown, "prompt_id": hashlib.sha256(shown.encode()).hexdigest(), "chosen": chosen,
              "rejected": rejected, "messages": chosen, "score_chosen": score_chosen, "score_rejected": score_rejected}
    expected = {"score_out_of_scale": "invalid:score", "placeholder": "invalid:missing_rejected",
                "identical_pair": "invalid:identical_pair", "prompt_mismatch": "invalid:prompt_mismatch",
                "duplicate_prompt": "duplicate_prompt", "contamination": "contaminated"}
    if kind in ("duplicate_prompt", "contamination") and copied is None:
        kind = None
    return record, [(kind, expected[kind])] if kind in expected else []


def helpsteer2_pair(rng: random.Random) -> tuple[list[dict[str, Any]], list[list[Truth]]]:
    """Two consecutive rows sharing a prompt."""
    d = dlg.dialogue(rng)
    prompt = dlg.extra_id(d.turns)
    rows, truths = [], []
    for quality in (rng.choice((1, 2)), rng.choice((0, 1, 2))):
        base = rng.randint(0, 2) + quality // 2 + (quality == 2)
        scores = {a: max(0, min(4, base + rng.choice((-1, 0, 0, 1)))) for a in ASPECTS}
        kind = _plant(rng, {"rating_out_of_scale": 0.005, "missing_aspect": 0.003})
        if kind == "rating_out_of_scale":
            scores["correctness"] = 5
        elif kind == "missing_aspect":
            del scores["verbosity"]
        rows.append({"prompt": prompt, "response": dlg.answer(rng, d, quality), **scores})
        truths.append([(kind, "invalid:rating")] if kind else [])
    return rows, truths


def nectar(rng: random.Random, earlier: Earlier) -> Built:
    kind = _plant(rng, {"rank_gap": 0.005, "rank_repeat": 0.005, "rank_tie": 0.01, "leaked_turn": 0.01})
    d = dlg.dialogue(rng)
    qualities = sorted((rng.choice((0, 1, 1, 2, 2)) for _ in range(7)), reverse=True)
    ranks = [float(i) for i in range(1, 8)]
    if kind == "rank_gap":
        ranks[-1] = 9.0
    elif kind == "rank_repeat":  # dense ranking: a tie not followed by a skipped place
        ranks = [1.0, 2.0, 3.0, 3.0, 4.0, 5.0, 6.0]
    elif kind == "rank_tie":  # competition ranking: valid
        ranks = [1.0, 2.0, 2.0, 4.0, 5.0, 6.0, 7.0]
    answers = [{"answer": dlg.answer(rng, d, q), "model": dlg.model(rng), "rank": rank}
               for q, rank in zip(qualities, ranks, strict=True)]
    if kind == "leaked_turn":
        answers[rng.randrange(7)]["answer"] += "\n\nHuman: And what else?\n\nAssistant: Nothing else."
    record = {"prompt": dlg.hh(d.turns) + "\n\nAssistant: ", "answers": answers,
              "turns": sum(role == "user" for role, _ in d.turns), "num_responses": 7,
              "source": [pick(rng, NECTAR_SOURCES)], "good_natured": rng.random() < 0.9}
    expected = {"rank_gap": "invalid:ranks", "rank_repeat": "invalid:ranks", "rank_tie": None, "leaked_turn": None}
    return record, [(kind, expected[kind])] if kind in expected else []


BUILDERS: dict[str, Callable[[random.Random, Earlier], Built]] = {
    "hh-rlhf": hh_rlhf, "ultrafeedback-binarized": ultrafeedback_binarized, "nectar": nectar,
}


def records(schema: str, count: int, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`count` records (rows, for helpsteer2: about `count` rows, whole prompts) and the truth rows
    (record_id, kind, expected)."""
    out: list[dict[str, Any]] = []
    truth: list[dict[str, Any]] = []
    if schema == "helpsteer2":
        pair = 0
        while len(out) < count:
            rows, truths = helpsteer2_pair(_rng(seed, schema, pair))
            for row, found in zip(rows, truths, strict=True):
                truth += [{"record_id": len(out), "kind": k, "expected": e} for k, e in found]
                out.append(row)
            pair += 1
        return out, truth
    build = BUILDERS[schema]
    clean: list[int] = []

    def earlier(rng: random.Random) -> dict[str, Any] | None:
        return out[clean[rng.randrange(len(clean))]] if clean else None

    for index in range(count):
        record, found = build(_rng(seed, schema, index), earlier)
        truth += [{"record_id": index, "kind": k, "expected": e} for k, e in found]
        if not found:
            clean.append(index)
        out.append(record)
    return out, truth
