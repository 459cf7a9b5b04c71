"""A version's `preferences`, as the train and eval datasets TRL's DPOTrainer takes.

The rows are read from the version's Parquet files with `datasets.load_dataset("parquet", ...)` (the same
loader a Hub copy would go through) and turned into TRL's *explicit-prompt* conversational format:
`prompt` = [optional system message, every turn before the answer], `chosen` / `rejected` = [assistant turn].
The curated `chosen` / `rejected` columns are whole conversations ([user, assistant], or the history of a
multi-turn record followed by its answer; a record's own system message replaces the configured one); TRL
would also accept them as they
are (implicit prompt: it takes the common prefix of the two as the prompt), and both give the same token ids.
The explicit form is used because it makes the prompt/completion boundary ours rather than inferred, lets
the Notus empty system message go into the prompt in one place, and lets us check before training that
chosen and rejected really share their prompt (a pair whose prompts differ is not a preference).

A turn whose text contains a special token's string (some UltraFeedback completions run on past a literal
`</s>` into an invented next turn) would be tokenized with an EOS in mid-turn, so "one EOS per turn" would
not hold; such rows are dropped (`data.drop_special_token_text`, default on) and listed in
training_data.json.

TRL 1.16 has no `max_prompt_length`: it keeps the first `max_length` tokens of prompt + completion and drops
rows whose prompt alone reaches `max_length`. `data.max_prompt_tokens` replaces it: rows whose rendered
prompt has more tokens are dropped before training (never cut: a truncated question no longer matches its
answers) and the dropped record ids are written to training_data.json.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from notus.core.errors import DataError, UsageError
from notus.core.version import Version

if TYPE_CHECKING:
    from datasets import Dataset
    from transformers import PreTrainedTokenizerBase

TABLE = "preferences"
SPLITS = ("train", "test")
REQUIRED_COLUMNS = ("record_id", "prompt_id", "chosen", "rejected", "split")


@dataclass
class SplitAccount:
    """What happened to one split's rows on their way to the trainer; every row is counted somewhere."""

    in_version: int = 0
    not_selected: int = 0
    dropped_special_token_text: list[int] = field(default_factory=list)  # record_ids with e.g. "</s>" in a turn
    dropped_long_prompt: list[int] = field(default_factory=list)  # record_ids over max_prompt_tokens
    dropped_by_trl: int = 0  # prompt alone >= max_length (TRL's own filter; 0 when max_prompt_tokens < max_length)
    truncated_by_trl: int = 0  # prompt + longer completion > max_length: the completion tail is cut
    used: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows_in_version": self.in_version,
            "rows_not_selected": self.not_selected,
            "rows_dropped_special_token_text": len(self.dropped_special_token_text),
            "dropped_special_token_text_record_ids": self.dropped_special_token_text,
            "rows_dropped_long_prompt": len(self.dropped_long_prompt),
            "dropped_long_prompt_record_ids": self.dropped_long_prompt,
            "rows_dropped_by_trl_max_length": self.dropped_by_trl,
            "rows_truncated_to_max_length": self.truncated_by_trl,
            "rows_used": self.used,
        }


def open_verified(path: str) -> Version:
    """Open a version and refuse it unless its files are the ones its manifest describes."""
    version = Version.open(path)
    version.verify()
    schema = version.table(TABLE).get("schema", {})
    missing = [c for c in REQUIRED_COLUMNS if schema and c not in schema]
    if missing:
        raise DataError(f"{version.path}: table '{TABLE}' lacks column(s) {', '.join(missing)}")
    return version


def load_split(version: Version, split: str) -> Dataset:
    """One split of the version's preferences, read through `datasets` from the manifest's files."""
    from datasets import load_dataset

    if split not in SPLITS:
        raise UsageError(f"unknown split '{split}' (expected one of {', '.join(SPLITS)})")
    files = [str(f) for f in version.files(TABLE)]
    try:
        rows = load_dataset("parquet", data_files={"rows": files}, split="rows")
    except Exception as exc:  # datasets raises many types for unreadable Parquet
        raise DataError(f"{version.path}: cannot read '{TABLE}' with datasets: {exc}") from exc
    return rows.filter(lambda s: [x == split for x in s], input_columns=["split"], batched=True)


def selection_key(seed: int, prompt_id: str) -> str:
    """Rank used to pick a subset: depends on (seed, prompt_id) only, never on row order or process count."""
    return hashlib.sha256(f"{seed}:{prompt_id}".encode()).hexdigest()


def select_rows(rows: Dataset, limit: int | None, seed: int) -> Dataset:
    """At most `limit` rows, chosen by hash rank, kept in the version's order."""
    if limit is None or limit >= len(rows):
        return rows
    keys = [selection_key(seed, p) for p in rows["prompt_id"]]
    keep = sorted(range(len(rows)), key=lambda i: keys[i])[:limit]
    return rows.select(sorted(keep))


def _explicit(batch: dict[str, list[Any]], system_message: str | None) -> dict[str, list[Any]]:
    prompts, chosen, rejected, bad = [], [], [], []
    for rid, c, r in zip(batch["record_id"], batch["chosen"], batch["rejected"], strict=True):
        ok = (
            len(c) >= 2
            and c[:-1] == r[:-1]
            and c[-1]["role"] == r[-1]["role"] == "assistant"
            and c[-2]["role"] == "user"
        )
        if not ok:
            bad.append(rid)
            continue
        own_system = c[0]["role"] == "system"  # the data's own system message (Orca pairs) wins
        system = [{"role": "system", "content": system_message}] if system_message is not None and not own_system \
            else []
        prompts.append(system + [{"role": m["role"], "content": m["content"]} for m in c[:-1]])
        chosen.append([{"role": "assistant", "content": c[-1]["content"]}])
        rejected.append([{"role": "assistant", "content": r[-1]["content"]}])
    if bad:
        raise DataError(
            f"{len(bad)} preference row(s) are not [.., user, assistant] pairs sharing one prompt "
            f"(first record_id {bad[0]}); the curated table breaks its contract"
        )
    return {"record_id": batch["record_id"], "prompt": prompts, "chosen": chosen, "rejected": rejected}


def to_trl(rows: Dataset, system_message: str | None) -> Dataset:
    """Explicit-prompt conversational rows: record_id, prompt, chosen, rejected (nothing else reaches TRL)."""
    return rows.map(
        _explicit,
        batched=True,
        fn_kwargs={"system_message": system_message},
        remove_columns=rows.column_names,
        desc="Building prompt/chosen/rejected",
    )


def drop_special_token_text(rows: Dataset, tokenizer: PreTrainedTokenizerBase) -> tuple[Dataset, list[int]]:
    """Rows none of whose turns contains a special token's text (`</s>`, `<s>`, ...), and the ids of the rest."""
    specials = sorted({t for t in tokenizer.all_special_tokens if t})
    if not specials or len(rows) == 0:
        return rows, []

    def clean(batch: dict[str, list[Any]]) -> dict[str, list[bool]]:
        return {
            "clean": [
                not any(tok in m["content"] for turns in (p, c, r) for m in turns for tok in specials)
                for p, c, r in zip(batch["prompt"], batch["chosen"], batch["rejected"], strict=True)
            ]
        }

    flags = rows.map(clean, batched=True, remove_columns=rows.column_names, desc="Checking for special-token text")
    keep = [i for i, ok in enumerate(flags["clean"]) if ok]
    dropped = [rid for rid, ok in zip(rows["record_id"], flags["clean"], strict=True) if not ok]
    return rows.select(keep), dropped


def prompt_token_counts(rows: Dataset, tokenizer: PreTrainedTokenizerBase) -> list[int]:
    """Tokens of each rendered prompt with the generation prompt: the prefix TRL puts before a completion."""
    counts = rows.map(
        lambda b: {
            "n": [
                len(tokenizer.apply_chat_template(p, tokenize=True, add_generation_prompt=True, return_dict=False))
                for p in b["prompt"]
            ]
        },
        batched=True,
        remove_columns=rows.column_names,
        desc="Counting prompt tokens",
    )
    return list(counts["n"])


def drop_long_prompts(
    rows: Dataset, tokenizer: PreTrainedTokenizerBase, max_prompt_tokens: int | None
) -> tuple[Dataset, list[int]]:
    """Rows whose prompt fits in `max_prompt_tokens`, and the record ids of those that did not."""
    if max_prompt_tokens is None or len(rows) == 0:
        return rows, []
    counts = prompt_token_counts(rows, tokenizer)
    keep = [i for i, n in enumerate(counts) if n <= max_prompt_tokens]
    dropped = [rid for rid, n in zip(rows["record_id"], counts, strict=True) if n > max_prompt_tokens]
    return rows.select(keep), dropped


def chat_corpus(version: Version, split: str = "train") -> Iterator[str]:
    """Rendered Zephyr conversations of a split (chosen and rejected), e.g. to train a tokenizer on."""
    from notus.train.chat_template import zephyr_text

    for batch in load_split(version, split).iter(batch_size=256):
        for c, r in zip(batch["chosen"], batch["rejected"], strict=True):
            yield zephyr_text(c)
            yield zephyr_text(r)
