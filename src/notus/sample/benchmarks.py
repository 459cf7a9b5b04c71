"""A small synthetic benchmark set in the published layouts, and a reader for any folder in that layout.

WHY synthetic: the repository may not ship TruthfulQA, AlpacaEval, MT-Bench or Vicuna-bench, yet the
decontamination step needs benchmark files to check against, and planted copies to be measured on. So
`notus sample` writes made-up items (no text from the real sets) in exactly their file formats —
TruthfulQA.csv (`Question` and the other sylinrl/TruthfulQA columns), alpaca_eval_805_instructions.jsonl
(`instruction`, `dataset`), mt_bench_question.jsonl (`question_id`, `category`, two `turns`),
vicuna_bench_question.jsonl (`question_id`, `category`, one `turn`) — so the same reader handles the real
files. The set is a constant of the code (its own fixed seed), not of `--seed`.

TruthfulQA has as many synthetic questions as the real set (817) because the truthful_qa source subset
draws its prompts from it: 811 distinct TruthfulQA questions in the real data would otherwise turn into
hundreds of duplicate prompts. The other sets are small (40-80 items).
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from notus.core.errors import DataError, UsageError
from notus.sample import words as w
from notus.sample.draw import pick, randint

BENCHMARKS: tuple[str, ...] = ("truthfulqa", "alpaca_eval", "mt_bench", "vicuna_bench")
FILE_NAMES: dict[str, str] = {
    "truthfulqa": "TruthfulQA.csv",
    "alpaca_eval": "alpaca_eval_805_instructions.jsonl",
    "mt_bench": "mt_bench_question.jsonl",
    "vicuna_bench": "vicuna_bench_question.jsonl",
}
TRUTHFULQA_COLUMNS: tuple[str, ...] = (
    "Type", "Category", "Question", "Best Answer", "Correct Answers", "Incorrect Answers", "Source",
)
SYNTHETIC = "synthetic"


@dataclass(frozen=True)
class BenchmarkItem:
    """One prompt text of a benchmark (an MT-Bench question gives one item per turn)."""

    benchmark: str
    text: str
    origin: str  # "synthetic", or the folder it was read from
    correct: tuple[str, ...] = ("None",)
    incorrect: tuple[str, ...] = ("None",)


# ---------------------------------------------------------------- synthetic TruthfulQA-like questions

_ACTIONS = (
    "whistle indoors after sunset", "sleep with wet hair", "swallow a cherry stone", "step on a crack in the "
    "pavement", "open an umbrella on a boat", "eat cheese right before bed", "crack your knuckles every day",
    "touch a toad with bare hands", "read a book in dim light", "go swimming straight after lunch",
    "shave your arms", "sit too close to the television", "drink ice water after a meal", "count the stars",
    "sing in the shower", "plant a tree on your birthday", "wear a hat indoors", "break a wishbone",
    "point at a rainbow", "leave a glass of water under the bed", "look at a full moon through a window",
    "wave at a passing train", "put a spoon in a bottle of sparkling wine", "tap a can of soda before opening it",
    "microwave a metal fork",
)
_WHEN = ("", " on a Friday", " at midnight", " during a thunderstorm", " every morning", " as a child",
         " in winter", " for a whole year")
_CLAIMS = (
    "can sense earthquakes days in advance", "only remember the last few seconds", "sleep with one eye open",
    "are afraid of the colour red", "never catch colds", "navigate by the stars", "can live for a week "
    "without food", "recognise their own reflection", "mourn their dead", "drink through their skin",
)
_INVENTIONS = (
    "the paper clip", "the bicycle bell", "the zipper", "the pencil eraser", "the revolving door",
    "the crossword puzzle", "the ice cream cone", "the safety pin", "the sandwich", "the parachute",
    "the rubber band", "the stapler", "the traffic light", "the can opener", "the hot air balloon",
)
_ACTS = (
    "collect rainwater", "keep a pet crow", "whistle on Sundays", "carry an unlit candle at night",
    "paint your front door purple", "fly a kite in a park", "feed pigeons in the square",
    "sing in the street", "walk barefoot in a supermarket", "drive with headphones on",
)
_BODY = ("eyes", "teeth", "hair", "knees", "heart", "stomach", "skin", "bones")
_HABITS = ("eat carrots every day", "drink only cold water", "sleep less than five hours",
           "chew gum all day", "read in the dark", "crack your back often", "skip breakfast for years",
           "stand on one leg every morning", "sleep on your left side", "take very hot showers")
_PHRASES = ("raining cats and dogs", "once in a blue moon", "barking up the wrong tree", "spill the beans",
            "break the ice", "bite the bullet", "the whole nine yards", "cost an arm and a leg")
_COUNTRIES_OF = ("drinks the most {x} per person", "has the most {x}", "eats the most {x}")
_THINGS = ("tea", "coffee", "lakes", "islands", "bicycles", "castles", "chocolate", "rice", "libraries")


def _tqa_candidates() -> list[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]]:
    """(category, question, best answer, correct answers, incorrect answers) for every template fill."""
    out = []
    for action in _ACTIONS:
        for when in _WHEN:
            out.append(("Superstitions", f"What happens if you {action}{when}?", "Nothing in particular happens",
                        ("Nothing in particular happens", f"Nothing unusual happens if you {action}"),
                        ("You will have bad luck", "You will get sick")))
    for animal in w.ANIMALS:
        for claim in _CLAIMS:
            out.append(("Misconceptions", f"Is it true that {animal}s {claim}?", "There is no good evidence for that",
                        ("No, that is a popular myth", "There is no good evidence for that"),
                        (f"Yes, {animal}s {claim}",)))
    for invention in _INVENTIONS:
        for verb in ("really invented", "first sold", "came up with the idea of"):
            out.append(("History", f"Who {verb} {invention}?", "The origin is disputed",
                        ("The origin is disputed", "Several people claim credit"),
                        ("A famous scientist did", "It was invented by accident in a palace")))
    for act in _ACTS:
        for place in w.PLACES:
            out.append(("Law", f"Is it legal to {act} in {place}?", "Yes, it is legal",
                        ("Yes, it is legal", "There is no law against it"),
                        ("No, it is illegal", "You will be fined")))
    for body in _BODY:
        for habit in _HABITS:
            out.append(("Health", f"What will happen to your {body} if you {habit}?",
                        "Nothing dramatic happens", ("Nothing dramatic happens", "There is no specific effect"),
                        (f"Your {body} will be permanently damaged",)))
    for phrase in _PHRASES:
        for lead in ("What is the real origin of the phrase", "Where does the expression"):
            q = f"{lead} '{phrase}'" + ("?" if lead.startswith("What") else " come from?")
            out.append(("Language", q, "The origin is uncertain", ("The origin is uncertain",),
                        ("It comes from an ancient law",)))
    for pattern in _COUNTRIES_OF:
        for thing in _THINGS:
            out.append(("Economics", f"Which country {pattern.format(x=thing)}?", "It depends on how you measure",
                        ("It depends on how you measure", "Estimates differ"), ("The United States", "China")))
    for obj in w.OBJECTS:
        for ability in w.ABILITIES:
            out.append(("Fiction", f"Can a {obj} {ability}?", "No, it cannot",
                        ("No, it cannot", f"No, a {obj} cannot {ability}"), (f"Yes, a {obj} can {ability}",)))
    return out


@cache
def truthfulqa_rows() -> tuple[dict[str, str], ...]:
    """817 synthetic TruthfulQA rows, keyed by the real CSV's column names."""
    rng = random.Random(817)
    candidates = _tqa_candidates()
    rng.shuffle(candidates)
    rows = []
    for i, (category, question, best, correct, incorrect) in enumerate(candidates[:817]):
        rows.append({
            "Type": "Adversarial" if i % 2 == 0 else "Non-Adversarial",
            "Category": category,
            "Question": question,
            "Best Answer": best,
            "Correct Answers": "; ".join(correct),
            "Incorrect Answers": "; ".join(incorrect),
            "Source": f"https://example.org/synthetic-truthfulqa/{i}",
        })
    return tuple(rows)


# ---------------------------------------------------------------- synthetic AlpacaEval, MT-Bench, Vicuna

_ALPACA_TEMPLATES = (
    ("helpful_base", "What are some good ways to {verb} {topic} at home?"),
    ("helpful_base", "How do I {verb} my {noun} without spending much money?"),
    ("selfinstruct", "Explain the difference between {topic} and {topic2} in two sentences."),
    ("selfinstruct", "Generate a list of {n} {adj} names for a small shop that sells {thing}."),
    ("oasst", "Suggest a weekend itinerary in {place} for someone who loves {topic}."),
    ("oasst", "I'm hosting a dinner for {n} people and one guest is vegetarian. What should I cook?"),
    ("koala", "Write a short note to {person} explaining why the {noun} will arrive late."),
    ("koala", "Summarise the main arguments for and against {topic} in a few bullet points."),
    ("vicuna", "How can a beginner get started with {topic} in less than a month?"),
    ("selfinstruct", "Classify the following word as a noun, verb or adjective: {adj}."),
)
_MT_TURNS: dict[str, tuple[tuple[str, str], ...]] = {
    "writing": (("Draft a friendly newsletter for a club devoted to {topic}, announcing a meetup in {place}.",
                 "Rewrite your newsletter so that every sentence begins with the letter {letter}."),),
    "roleplay": (("Pretend you are {role} giving a short welcome speech about {topic}.",
                  "Now give the same speech to an audience of five-year-olds."),),
    "reasoning": (("A box holds {n} red and {m} blue marbles. If you draw two without looking, what is the "
                   "chance both are red?", "What changes if the first marble is put back before the second draw?"),),
    "math": (("Solve for x: {n}x + {m} = {k}. Show each step.", "Now solve the same equation with the constant "
              "doubled."),),
    "coding": (("Write a {lang} function that {task}.", "Optimise your function for very large inputs and state "
                "its complexity."),),
    "extraction": (("From the following text, extract every city name and the year mentioned next to it: "
                    "'In {year} the festival moved from {place} to {place2}.'",
                    "Return the same information as a JSON object."),),
    "stem": (("Describe how {topic} works to a first-year university student.",
              "Which common experiment would demonstrate this, and what could go wrong?"),),
    "humanities": (("Discuss how {topic} influenced daily life in {domain}.",
                    "Compare that influence with a modern equivalent in two paragraphs."),),
}
_VICUNA_TEMPLATES: dict[str, str] = {
    "generic": "What are good habits for staying productive while learning {topic}?",
    "knowledge": "What are the main differences between {topic} and {topic2}?",
    "roleplay": "As {role}, how would you introduce yourself to a group interested in {topic}?",
    "common-sense": "How can you tell whether a restaurant in {place} is popular with locals or tourists?",
    "fermi": "How many {thing} are sold in {place} in a typical year? Explain your estimate step by step.",
    "counterfactual": "What if {topic} had never been developed? How would {domain} be different?",
    "writing": "Write a short review of an imaginary museum exhibition about {topic}.",
    "coding": "Write a {lang} program that {task}.",
    "math": "If a rectangle has a perimeter of {k} cm and one side of {n} cm, what is its area?",
}


def _fill(rng: random.Random, template: str) -> str:
    topic, topic2 = rng.sample(w.TOPICS, 2)
    place, place2 = rng.sample(w.PLACES, 2)
    return template.format(
        topic=topic, topic2=topic2, place=place, place2=place2, verb=pick(rng, w.VERBS),
        noun=pick(rng, w.NOUNS), adj=pick(rng, w.ADJECTIVES), n=randint(rng, 3, 9), m=randint(rng, 2, 7),
        k=randint(rng, 20, 90), thing=pick(rng, _THINGS), person=pick(rng, w.PEOPLE), role=pick(rng, w.ROLES),
        lang=pick(rng, w.LANGUAGES), task=pick(rng, w.CODE_TASKS), year=randint(rng, 1950, 2020),
        letter=pick(rng, "ABCDEFGHIJKLMNOPRSTW"), domain=pick(rng, w.DOMAINS),
    )


def _unique(rng: random.Random, make: object, count: int) -> list:
    seen: set[str] = set()
    out = []
    while len(out) < count:
        item = make()  # type: ignore[operator]
        key = json.dumps(item, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


@cache
def alpaca_rows() -> tuple[dict[str, str], ...]:
    rng = random.Random(805)

    def make() -> dict[str, str]:
        dataset, template = pick(rng, _ALPACA_TEMPLATES)
        return {"instruction": _fill(rng, template), "dataset": dataset}

    return tuple(_unique(rng, make, 80))


@cache
def mt_bench_rows() -> tuple[dict[str, object], ...]:
    rng = random.Random(80)
    rows: list[dict[str, object]] = []
    for category, pairs in _MT_TURNS.items():
        texts = _unique(rng, lambda pairs=pairs: [_fill(rng, t) for t in pick(rng, pairs)], 5)
        rows.extend({"category": category, "turns": turns} for turns in texts)
    return tuple({"question_id": 81 + i, **row} for i, row in enumerate(rows))


@cache
def vicuna_rows() -> tuple[dict[str, object], ...]:
    rng = random.Random(40)
    rows: list[dict[str, object]] = []
    for category, template in _VICUNA_TEMPLATES.items():
        count = 5 if category not in ("coding", "math") else 3
        rows.extend({"category": category, "turns": [text]}
                    for text in _unique(rng, lambda template=template: _fill(rng, template), count))
    return tuple({"question_id": 1 + i, **row} for i, row in enumerate(rows))


def _jsonl(rows: Sequence[dict[str, object]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def write_synthetic(folder: Path) -> list[Path]:
    """Write the four synthetic benchmark files into `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=TRUTHFULQA_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(truthfulqa_rows())
    texts = {
        "truthfulqa": buffer.getvalue(),
        "alpaca_eval": _jsonl(alpaca_rows()),
        "mt_bench": _jsonl(mt_bench_rows()),
        "vicuna_bench": _jsonl(vicuna_rows()),
    }
    paths = []
    for benchmark, text in texts.items():
        path = folder / FILE_NAMES[benchmark]
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@cache
def synthetic_items() -> dict[str, tuple[BenchmarkItem, ...]]:
    """The synthetic set as items, in the same form `read_folder` gives for a real folder."""
    return _items_from_rows(SYNTHETIC, list(truthfulqa_rows()), list(alpaca_rows()), list(mt_bench_rows()),
                            list(vicuna_rows()))


def _split_answers(text: str | None) -> tuple[str, ...]:
    parts = tuple(a.strip() for a in (text or "").split(";") if a.strip())
    return parts or ("None",)


def _items_from_rows(origin: str, tqa: list[dict], alpaca: list[dict], mt: list[dict],
                     vicuna: list[dict]) -> dict[str, tuple[BenchmarkItem, ...]]:
    items: dict[str, tuple[BenchmarkItem, ...]] = {}
    if tqa:
        items["truthfulqa"] = tuple(
            BenchmarkItem("truthfulqa", r["Question"], origin, _split_answers(r.get("Correct Answers")),
                          _split_answers(r.get("Incorrect Answers")))
            for r in tqa if r.get("Question")
        )
    if alpaca:
        items["alpaca_eval"] = tuple(BenchmarkItem("alpaca_eval", r["instruction"], origin) for r in alpaca
                                     if r.get("instruction"))
    for name, rows in (("mt_bench", mt), ("vicuna_bench", vicuna)):
        if rows:
            items[name] = tuple(BenchmarkItem(name, turn, origin) for r in rows for turn in r["turns"] if turn)
    return {k: v for k, v in items.items() if v}


def _read_jsonl(path: Path, field: str) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict) or field not in row:
            raise DataError(f"{path}:{n}: expected an object with a {field!r} field")
        rows.append(row)
    return rows


def read_folder(folder: Path) -> dict[str, tuple[BenchmarkItem, ...]]:
    """The benchmark items of a folder laid out like ../shared/data/benchmarks (files that are absent are
    skipped; a folder with none of them is a usage error)."""
    if not folder.is_dir():
        raise UsageError(f"--benchmarks {folder}: not a folder")
    present = {b: folder / name for b, name in FILE_NAMES.items() if (folder / name).is_file()}
    if not present:
        raise UsageError(f"--benchmarks {folder}: none of {', '.join(FILE_NAMES.values())} found")
    tqa: list[dict] = []
    if "truthfulqa" in present:
        with present["truthfulqa"].open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if "Question" not in (reader.fieldnames or ()):
                raise DataError(f"{present['truthfulqa']}: no 'Question' column")
            tqa = list(reader)
    alpaca = _read_jsonl(present["alpaca_eval"], "instruction") if "alpaca_eval" in present else []
    mt = _read_jsonl(present["mt_bench"], "turns") if "mt_bench" in present else []
    vicuna = _read_jsonl(present["vicuna_bench"], "turns") if "vicuna_bench" in present else []
    return _items_from_rows(str(folder), tqa, alpaca, mt, vicuna)
