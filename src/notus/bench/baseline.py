"""The notebook way: `datasets.load_dataset("json")` then `Dataset.map` with a per-row Python function.

This is how public notebooks binarize UltraFeedback the Notus way (mean of the four ratings, N/A skipped,
chosen = best, rejected = random strictly lower, ties dropped), single process. It is the baseline notus
is compared with, so it is written plainly, as such a notebook would be, and not optimised.
`python -m notus.bench.baseline INPUT_DIR OUT.parquet`
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path
from typing import Any

ASPECTS = ("helpfulness", "honesty", "instruction_following", "truthfulness")


def _rating(annotation: Any) -> int | None:
    if isinstance(annotation, list):
        annotation = annotation[0] if annotation else None
    if not isinstance(annotation, dict):
        return None
    try:
        return int(annotation.get("Rating"))
    except (TypeError, ValueError):
        return None


def binarize(example: dict[str, Any], seed: int = 42) -> dict[str, Any]:
    means = []
    for completion in example["completions"] or []:
        ratings = [_rating((completion.get("annotations") or {}).get(a)) for a in ASPECTS]
        ratings = [r for r in ratings if r is not None]
        means.append(sum(ratings) / len(ratings) if ratings else None)
    rated = [(m, i) for i, m in enumerate(means) if m is not None]
    empty = {"prompt": example["instruction"], "chosen": None, "rejected": None, "chosen_rating": None,
             "rejected_rating": None}
    if len(rated) < 2:
        return empty
    best, best_index = max(rated, key=lambda pair: (pair[0], -pair[1]))
    lower = [i for m, i in rated if m < best]
    if not lower:
        return empty
    rejected_index = random.Random(f"{seed}:{example['instruction']}").choice(lower)
    completions = example["completions"]
    return {
        "prompt": example["instruction"],
        "chosen": completions[best_index]["response"],
        "rejected": completions[rejected_index]["response"],
        "chosen_rating": best,
        "rejected_rating": means[rejected_index],
    }


def main(input_dir: Path, out: Path) -> None:
    from datasets import load_dataset

    files = sorted(str(p) for p in input_dir.rglob("*.jsonl"))
    cache = out.parent / "hf-cache"
    shutil.rmtree(cache, ignore_errors=True)  # a cached Arrow conversion would skip the JSON parse notus pays for
    ds = load_dataset("json", data_files=files, split="train", cache_dir=str(cache))
    ds = ds.map(binarize, remove_columns=ds.column_names, load_from_cache_file=False)
    ds = ds.filter(lambda row: row["chosen"] is not None, load_from_cache_file=False)
    ds.to_parquet(str(out))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
