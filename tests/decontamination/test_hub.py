"""The `benchmarks+hub://` scheme runs the real snapshot_download against a loopback Hub stand-in serving
the three datasets in their Hub layouts, and only the files holding the prompts are fetched."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from huggingface_hub import constants

from notus.core.errors import DataError, UsageError
from notus.core.sources import first_available, resolve_source
from notus.decontamination.benchmarks import load_items
from notus.decontamination.hub import resolve_hub_benchmarks
from tests.support.hub_server import HubServer

from .conftest import SYNTHETIC


def parquet(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


REPOS = {
    "truthfulqa/truthful_qa": {
        "generation/validation-00000-of-00001.parquet": parquet(pl.DataFrame({"question": SYNTHETIC["truthfulqa"]})),
        "multiple_choice/validation-00000-of-00001.parquet": b"not fetched",
        "README.md": b"# TruthfulQA",
    },
    "tatsu-lab/alpaca_eval": {
        "alpaca_eval.json": json.dumps([{"instruction": t, "output": "o"} for t in SYNTHETIC["alpaca_eval"]]).encode(),
        "alpaca_eval.py": b"# loading script, not fetched",
        "alpaca_farm_human_annotations.json": b"[]",
    },
    "HuggingFaceH4/mt_bench_prompts": {
        "data/train-00000-of-00001.parquet": parquet(pl.DataFrame({"prompt": SYNTHETIC["mt_bench"]})),
        "raw/question.jsonl": b"{}",
    },
}


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    with HubServer(tokens={}) as server:
        for repo, files in REPOS.items():
            server.seed(repo, files)
        monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
        monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
        monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))
        monkeypatch.setenv("NOTUS_CACHE", str(tmp_path / "notus-cache"))
        yield server


def test_default_fetches_the_three_sets_and_only_their_prompt_files(hub: HubServer) -> None:
    source = resolve_source("benchmarks", "benchmarks+hub://default")
    names = sorted(Path(p).name.split("__", 1)[1] for p in source.paths)
    assert names == ["alpaca_eval.json", "data__train-00000-of-00001.parquet",
                     "generation__validation-00000-of-00001.parquet"]
    _, files = load_items(source.paths)
    assert {f.benchmark: f.items for f in files} == {"truthfulqa": 4, "alpaca_eval": 3, "mt_bench": 2}
    fetched = [r for r in hub.request_lines() if r.startswith("GET /datasets/")]
    assert len(fetched) == 3 and not any("multiple_choice" in r or "raw/" in r or ".py" in r for r in fetched)


def test_folder_is_named_after_the_commits_and_reused(hub: HubServer) -> None:
    first = resolve_hub_benchmarks("benchmarks+hub://default")
    names = sorted(p.name for p in first.iterdir())
    commit = hub.main("truthfulqa/truthful_qa")
    assert f"truthfulqa@{commit[:12]}__generation__validation-00000-of-00001.parquet" in names
    assert resolve_hub_benchmarks("benchmarks+hub://default") == first
    assert resolve_source("benchmarks", "benchmarks+hub://default").fingerprint == resolve_source(
        "benchmarks", str(first)
    ).fingerprint


def test_a_new_upstream_revision_gives_a_new_folder_and_fingerprint(hub: HubServer) -> None:
    before = resolve_source("benchmarks", "benchmarks+hub://truthfulqa")
    hub.seed("truthfulqa/truthful_qa", {
        **REPOS["truthfulqa/truthful_qa"],
        "generation/validation-00000-of-00001.parquet": parquet(
            pl.DataFrame({"question": [*SYNTHETIC["truthfulqa"], "A question added upstream?"]})
        ),
    })
    after = resolve_source("benchmarks", "benchmarks+hub://truthfulqa")
    assert after.fingerprint != before.fingerprint
    assert load_items(after.paths)[1][0].items == 5


def test_selection_and_pinned_revision(hub: HubServer) -> None:
    commit = hub.main("HuggingFaceH4/mt_bench_prompts")
    folder = resolve_hub_benchmarks(f"benchmarks+hub://mt_bench@{commit}")
    assert [p.name for p in folder.iterdir()] == [f"mt_bench@{commit[:12]}__data__train-00000-of-00001.parquet"]
    with pytest.raises(DataError, match="cannot fetch HuggingFaceH4/mt_bench_prompts"):
        resolve_hub_benchmarks("benchmarks+hub://mt_bench@0123456789abcdef0123456789abcdef01234567")
    with pytest.raises(UsageError, match="unknown benchmark set 'gsm8k'"):
        resolve_hub_benchmarks("benchmarks+hub://gsm8k")


def test_offline_without_a_cached_snapshot_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("NOTUS_CACHE", str(tmp_path / "notus-cache"))
    with pytest.raises(DataError, match=r"^benchmarks\+hub://default: cannot fetch truthfulqa/truthful_qa: "):
        resolve_hub_benchmarks("benchmarks+hub://default")


def test_offline_a_cached_snapshot_is_used(hub: HubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    online = resolve_hub_benchmarks("benchmarks+hub://default")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert resolve_hub_benchmarks("benchmarks+hub://default") == online


def test_the_pipeline_default_skips_the_hub_when_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    candidates = ["${NOTUS_TEST_UNSET_BENCHMARKS}", "benchmarks+hub://default", str(tmp_path)]
    monkeypatch.delenv("NOTUS_TEST_UNSET_BENCHMARKS", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert first_available(candidates) == str(tmp_path)
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    assert first_available(candidates) == "benchmarks+hub://default"
