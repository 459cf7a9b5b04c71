"""Detection quality, measured: benchmark items planted into ordinary prompts in the ways copies arrive
(exact; case, punctuation, whitespace and Unicode-form variants; inside a longer prompt) and near-miss
controls that share only a few words with an item. Targets (issue 4): 100 % of exact and normalised
copies, >= 95 % of embedded copies, <= 0.5 % false positives on controls (and on the ordinary prompts).

Run on the real benchmark files (skipped when ../shared is absent) and on a synthetic set made here, with
the 1,200 real UltraFeedback prompts as the ordinary background when present (generated filler
otherwise). `pytest -s` prints the figures.
"""

from __future__ import annotations

import json
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from notus.core.sources import resolve_source
from notus.decontamination.benchmarks import load_items
from notus.decontamination.index import build_index
from notus.decontamination.match import match_prompts
from notus.decontamination.normalize import with_normalized, words

from .conftest import write_benchmarks

NGRAM_N, THRESHOLD, MIN_ITEM_WORDS = 13, 0.5, 5
NORMALISED = ("case", "punctuation", "whitespace", "unicode")
SAMPLE_FILES = ("train-1000.jsonl", "test-200.jsonl")

# Invented words: synthetic items cannot collide with real prompts by accident.
SYLLABLES = ["ka", "lo", "mi", "ru", "ten", "vo", "sha", "pel", "dri", "gon", "fa", "zu", "bre", "nix"]
COMMON = ["the", "a", "of", "to", "in", "and", "what", "how", "why", "is", "are", "do", "you", "your", "for"]


@dataclass(frozen=True)
class Planted:
    kind: str  # exact, case, punctuation, whitespace, unicode, embedded[_exact_only_item], control, background
    benchmark: str | None
    prompt: str


def background_prompts(shared: Path | None, rng: random.Random) -> list[str]:
    """The 1,200 real prompts when present, else 1,200 generated ordinary ones."""
    folder = shared / "ultrafeedback-binarized-sample" if shared else None
    if folder and all((folder / f).is_file() for f in SAMPLE_FILES):
        return [json.loads(line)["prompt"] for f in SAMPLE_FILES for line in (folder / f).open()]
    topics = ["bread", "rivers", "tax forms", "chess openings", "python lists", "tides", "resumes", "bees"]
    asks = ["Explain {} to a beginner.", "Write a short poem about {}.", "List five facts about {}.",
            "How do I get better at {}? Give me a plan for the next month.", "Summarise what you know about {}."]
    return [rng.choice(asks).format(f"{rng.choice(topics)} #{i}") for i in range(1200)]


def synthetic_sets(rng: random.Random) -> dict[str, list]:
    """Items of 4..40 words in an invented vocabulary, phrased like questions and instructions."""
    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))

    # Lengths spread like the real sets': 2 % under 5 words (exact-only), 35 % under 13 (found whole).
    lengths = [4, *range(5, 13), *range(5, 13), *range(13, 41)]

    def item() -> str:
        n = rng.choice(lengths)
        words = [rng.choice(COMMON) if rng.random() < 0.3 else word() for _ in range(n)]
        return " ".join(words).capitalize() + rng.choice(["?", ".", "", "!"])

    return {
        "truthfulqa": [item() for _ in range(120)],
        "alpaca_eval": [item() for _ in range(120)],
        "mt_bench": [[item(), item()] for _ in range(30)],
        "vicuna_bench": [[item()] for _ in range(30)],
    }


def variant(kind: str, text: str, rng: random.Random) -> str:
    if kind == "case":
        return rng.choice([text.upper(), text.lower(), text.title(), text.swapcase()])
    if kind == "punctuation":  # stripped (as lm-evaluation-harness does), doubled, curly, added
        stripped = "".join(c for c in text if c.isalnum() or c.isspace())
        curly = text.replace("'", "’").replace('"', "“")
        return rng.choice([stripped, text.rstrip("?.!") + "??", curly, text.replace(" ", ", ", 1) + " ..."])
    if kind == "whitespace":
        return rng.choice(["  " + text.replace(" ", "   ") + "\n", text.replace(" ", "\n"),
                           "\t" + text.replace(" ", " \t ") + "  "])
    if kind == "unicode":
        fullwidth = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
        return rng.choice([unicodedata.normalize("NFD", text), fullwidth, text.replace(" ", "\u00a0")])
    raise ValueError(kind)


def embedded(text: str, background: list[str], rng: random.Random) -> str:
    """The item inside a longer prompt, itself possibly re-cased or re-punctuated."""
    shown = variant(rng.choice(["case", "punctuation", "whitespace"]), text, rng) if rng.random() < 0.5 else text
    before = rng.choice(background)[:rng.randint(0, 300)]
    after = rng.choice(background)[:rng.randint(0, 300)]
    frame = rng.choice(["{b}\n\n{q}\n\n{a}", "Question: {q} Answer it carefully. {a}", "{b} -- {q}",
                        "My teacher asked: \"{q}\" What should I say?", "{q}\n{a}"])
    return frame.format(b=before, q=shown, a=after)


def control(text: str, background: list[str], rng: random.Random) -> str:
    """A near miss inside an ordinary prompt: up to four consecutive words of the item, or six of its
    words shuffled, or all of its words in another order."""
    words = text.split()
    style = rng.choice(["run", "some", "all"])
    if style == "run":
        k = min(4, max(1, len(words) - 1))
        start = rng.randint(0, len(words) - k)
        shared = " ".join(words[start:start + k])
    elif style == "some":
        shared = " ".join(rng.sample(words, min(6, max(1, len(words) - 1))))
    else:
        shuffled = words[:]
        while len(set(words)) > 1 and shuffled == words:
            rng.shuffle(shuffled)
        shared = " ".join(shuffled)
    host = rng.choice(background)
    cut = rng.randint(0, len(host))
    return f"{host[:cut]} {shared} {host[cut:]}"


def plant(items: pl.DataFrame, background: list[str], rng: random.Random) -> list[Planted]:
    """Every item planted once per kind, two controls per item, and the background prompts."""
    planted = [Planted("background", None, p) for p in background]
    sized = with_normalized(items.lazy(), "item").with_columns(n_words=words(pl.col("norm")).list.len())
    for benchmark, text, n_words in sized.select("benchmark", "item", "n_words").collect().iter_rows():
        planted.append(Planted("exact", benchmark, text))
        planted.extend(Planted(kind, benchmark, variant(kind, text, rng)) for kind in NORMALISED)
        kind = "embedded" if n_words >= MIN_ITEM_WORDS else "embedded_exact_only_item"
        planted.append(Planted(kind, benchmark, embedded(text, background, rng)))
        planted.extend(Planted("control", benchmark, control(text, background, rng)) for _ in range(2))
    return planted


def measure(benchmarks: Path, planted: list[Planted]) -> tuple[dict[str, dict[str, float]], pl.DataFrame]:
    """Recall per planted kind (a hit on the planted benchmark) and the false-positive rate of controls
    and background (any hit)."""
    source = resolve_source("benchmarks", str(benchmarks))
    raw, _ = load_items(source.paths)
    index = build_index(raw, NGRAM_N, MIN_ITEM_WORDS)
    prompts = pl.LazyFrame({
        "record_id": list(range(len(planted))),
        "prompt_id": [str(i) for i in range(len(planted))],
        "source": "sharegpt",
        "prompt": [p.prompt for p in planted],
    })
    found = match_prompts(prompts, index, THRESHOLD)
    truth = pl.DataFrame({
        "record_id": list(range(len(planted))),
        "kind": [p.kind for p in planted],
        "planted": [p.benchmark for p in planted],
    })
    hit_any = set(found.get_column("record_id").to_list())
    hit_right = set(
        found.join(truth, on="record_id").filter(pl.col("benchmark") == pl.col("planted"))
        .get_column("record_id").to_list()
    )
    figures: dict[str, dict[str, float]] = {}
    for (kind,), rows in truth.group_by("kind", maintain_order=True):
        ids = rows.get_column("record_id").to_list()
        clean = kind in ("control", "background")
        flagged = sum(i in (hit_any if clean else hit_right) for i in ids)
        figures[kind] = {"n": len(ids), ("false_positive_rate" if clean else "recall"): flagged / len(ids)}
    return figures, found.join(truth, on="record_id")


def embedded_overall(figures: dict[str, dict[str, float]]) -> float:
    """Recall over all embedded copies, items too short for the contained rule included."""
    parts = [figures[k] for k in ("embedded", "embedded_exact_only_item") if k in figures]
    return sum(f["recall"] * f["n"] for f in parts) / sum(f["n"] for f in parts)


def check_targets(figures: dict[str, dict[str, float]]) -> None:
    for kind in ("exact", *NORMALISED):
        assert figures[kind]["recall"] == 1.0, (kind, figures[kind])
    assert figures["embedded"]["recall"] == 1.0, figures["embedded"]  # items of >= min_item_words words
    assert embedded_overall(figures) >= 0.95, figures
    assert figures["control"]["false_positive_rate"] <= 0.005, figures["control"]
    assert figures["background"]["false_positive_rate"] <= 0.005, figures["background"]


def report(name: str, figures: dict[str, dict[str, float]]) -> None:
    print(f"\n{name}:")
    for kind, f in figures.items():
        rate = f.get("recall", f.get("false_positive_rate"))
        label = "recall" if "recall" in f else "false positives"
        print(f"  {kind:<24} n={int(f['n']):>5}  {label} {rate:.2%}")
    print(f"  {'embedded, all items':<24}          recall {embedded_overall(figures):.2%}")


@pytest.fixture
def shared_or_none(request: pytest.FixtureRequest) -> Path | None:
    try:
        return request.getfixturevalue("shared_data")
    except pytest.skip.Exception:
        return None


def test_quality_on_the_real_benchmarks(real_benchmarks: Path, shared_or_none: Path | None) -> None:
    rng = random.Random(20231201)
    background = background_prompts(shared_or_none, rng)
    items, _ = load_items(sorted(real_benchmarks.iterdir()))
    figures, found = measure(real_benchmarks, plant(items, background, rng))
    report("real benchmark files", figures)
    missed = found.filter(pl.col("kind") == "control").select("benchmark", "evidence").head(5)
    print("  control hits:", missed.rows())
    check_targets(figures)


def test_quality_on_a_synthetic_set(tmp_path: Path, shared_or_none: Path | None) -> None:
    rng = random.Random(7)
    folder = write_benchmarks(tmp_path / "synthetic", synthetic_sets(rng))
    items, _ = load_items(sorted(folder.iterdir()))
    figures, _ = measure(folder, plant(items, background_prompts(shared_or_none, rng), rng))
    report("synthetic set", figures)
    check_targets(figures)


def test_what_the_real_prompts_contain(real_benchmarks: Path, shared_data: Path) -> None:
    """The 1,200 real prompts of HuggingFaceH4/ultrafeedback_binarized (which already dropped the
    truthful_qa subset and exact TruthfulQA copies) against the real sets: a handful of hits at most."""
    folder = shared_data / "ultrafeedback-binarized-sample"
    if not folder.is_dir():
        pytest.skip("../shared/data/ultrafeedback-binarized-sample is not present")
    prompts = [json.loads(line)["prompt"] for f in SAMPLE_FILES for line in (folder / f).open()]
    frame = pl.LazyFrame({"record_id": list(range(len(prompts))), "prompt_id": [str(i) for i in
                          range(len(prompts))], "source": None, "prompt": prompts},
                         schema_overrides={"source": pl.String})
    raw, _ = load_items(sorted(real_benchmarks.iterdir()))
    print(f"\n1,200 real prompts vs the real sets ({len(prompts)} prompts):")
    for n, threshold, min_words in [(NGRAM_N, THRESHOLD, MIN_ITEM_WORDS), (13, 0.0, 4), (8, 0.0, 4)]:
        found = match_prompts(frame, build_index(raw, n, min_words), threshold)
        flagged = found.get_column("record_id").n_unique()
        print(f"  n={n} threshold={threshold} min_item_words={min_words}: {flagged} prompts flagged")
        for row in found.head(5).iter_rows(named=True):
            print(f"    {row['benchmark']}/{row['method']} {row['score']:.2f} {row['evidence']!r} <- "
                  f"{prompts[row['record_id']][:100]!r}")
        if (n, threshold, min_words) == (NGRAM_N, THRESHOLD, MIN_ITEM_WORDS):
            assert flagged <= len(prompts) * 0.005
        assert found.filter(pl.col("method") == "source").is_empty()
