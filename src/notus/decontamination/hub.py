"""The `benchmarks+hub://` source scheme: the benchmark sets fetched from the Hugging Face Hub.

The sets live in three Hub datasets with three layouts. The scheme downloads the files that hold the
prompts (snapshot_download, so the local HF cache is reused and a cached snapshot works offline), and
copies them into one flat folder, each file named `<set>@<commit>__<path in the repo, / as __>`: the
engine can then fingerprint that folder like any local source, the benchmark loader recognises each file
by its name (whichever sets were chosen), and `benchmark_sets` shows where every file came from. The
folder is named after the resolved commits, so a new upstream revision gives a new folder (and a new
version id) while an unchanged one is reused without copying.

`benchmarks+hub://default` means every set below; `benchmarks+hub://truthfulqa,mt_bench@<rev>` picks sets
and optionally pins a revision. Vicuna-bench is not published as a Hub dataset, so it comes only from a
folder (`--benchmarks DIR`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from notus.core.errors import DataError, UsageError, first_line
from notus.core.plugins import SourceScheme
from notus.hub.client import bounded_hub_requests
from notus.hub.source import offline

PREFIX = "benchmarks+hub://"


@dataclass(frozen=True)
class HubSet:
    repo: str
    patterns: tuple[str, ...]  # the files holding the prompts, nothing else
    doc: str


HUB_SETS: dict[str, HubSet] = {
    "truthfulqa": HubSet(
        "truthfulqa/truthful_qa", ("generation/*",), "generation config, validation split, field question"
    ),
    "alpaca_eval": HubSet("tatsu-lab/alpaca_eval", ("alpaca_eval.json",), "805 instructions, field instruction"),
    "mt_bench": HubSet("HuggingFaceH4/mt_bench_prompts", ("data/*",), "80 questions, field prompt (2 turns)"),
}


def cache_root() -> Path:
    """Where the gathered folders go: $NOTUS_CACHE or ~/.cache/notus, under benchmarks-hub/."""
    return Path(os.environ.get("NOTUS_CACHE", "~/.cache/notus")).expanduser() / "benchmarks-hub"


def parse_selection(uri: str) -> list[tuple[str, str | None]]:
    """(set, revision or None) for each set the URI names."""
    spec = uri[len(PREFIX):].strip("/")
    if spec in ("", "default"):
        return [(name, None) for name in HUB_SETS]
    chosen: list[tuple[str, str | None]] = []
    for part in spec.split(","):
        name, _, revision = part.strip().partition("@")
        if name not in HUB_SETS:
            raise UsageError(f"{uri}: unknown benchmark set '{name}' (Hub sets: {', '.join(HUB_SETS)})")
        chosen.append((name, revision or None))
    return chosen


def resolve_hub_benchmarks(uri: str) -> Path:
    """Download the chosen sets and return the folder that holds them (the source's local root)."""
    from huggingface_hub import snapshot_download

    fetched: list[tuple[str, str, Path]] = []  # (set, commit, snapshot folder)
    for name, revision in parse_selection(uri):
        hub_set = HUB_SETS[name]
        try:
            with bounded_hub_requests():
                local = snapshot_download(
                    repo_id=hub_set.repo, repo_type="dataset", revision=revision,
                    allow_patterns=list(hub_set.patterns), endpoint=os.environ.get("HF_ENDPOINT") or None,
                )
        except Exception as exc:  # offline, network, missing repo or revision: one line, not a traceback
            raise DataError(
                f"{uri}: cannot fetch {hub_set.repo}: {type(exc).__name__}: {first_line(exc)} (give a local copy with "
                "--benchmarks DIR or NOTUS_BENCHMARKS, or set HF_HUB_OFFLINE=1 to use the next default)"
            ) from None
        fetched.append((name, Path(local).name, Path(local)))
    key = hashlib.sha256(json.dumps([(n, HUB_SETS[n].repo, c) for n, c, _ in fetched]).encode()).hexdigest()
    target = cache_root() / key[:16]
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".gather-", dir=target.parent))
    try:
        for name, commit, snapshot in fetched:
            files = sorted(p for p in snapshot.rglob("*") if p.is_file())
            if not files:
                wanted = ", ".join(HUB_SETS[name].patterns)
                raise DataError(f"{uri}: {HUB_SETS[name].repo}@{commit} has no files matching {wanted}")
            for src in files:
                flat = "__".join(src.relative_to(snapshot).parts)
                shutil.copyfile(src, staging / f"{name}@{commit[:12]}__{flat}")
        try:
            staging.rename(target)
        except OSError:  # another run gathered the same commits first; theirs is identical
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


HUB_BENCHMARKS = SourceScheme(
    resolve=resolve_hub_benchmarks, available=lambda: not offline(),
    doc="benchmark sets from the Hub: benchmarks+hub://default or benchmarks+hub://SET[@REV],...",
)
