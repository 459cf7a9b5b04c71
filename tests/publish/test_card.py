from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from notus.core.version import Version
from notus.publish.card import md_table, render_card, size_category, spec_yaml
from notus.publish.layout import write_tables

from .conftest import SPEC, write_version


def card_for(folder: Path, tmp_path: Path, repo_id: str = "notus-test/prefs") -> tuple[dict[str, Any], str]:
    v = Version.open(folder)
    text = render_card(v, write_tables(v, tmp_path / "out"), repo_id)
    assert text.startswith("---\n")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def test_front_matter_declares_configs_splits_and_row_counts(version_dir: Path, tmp_path: Path) -> None:
    meta, _ = card_for(version_dir, tmp_path)
    assert meta["license"] == "mit"
    assert meta["task_categories"] == ["text-generation"]
    assert {"dpo", "ultrafeedback"} <= set(meta["tags"])
    assert meta["size_categories"] == ["n<1K"]
    assert meta["source_datasets"] == ["openbmb/UltraFeedback"]
    configs = {c["config_name"]: c for c in meta["configs"]}
    assert set(configs) == {"preferences", "dropped"}  # mismatches is empty: no config
    assert configs["preferences"]["default"] is True
    assert configs["preferences"]["data_files"] == [
        {"split": "train", "path": "data/preferences/train-*"},
        {"split": "test", "path": "data/preferences/test-*"},
    ]
    infos = {i["config_name"]: i for i in meta["dataset_info"]}
    assert {s["name"]: s["num_examples"] for s in infos["preferences"]["splits"]} == {"train": 54, "test": 6}
    assert {s["name"]: s["num_examples"] for s in infos["dropped"]["splits"]} == {"train": 5}
    features = {f["name"]: f for f in infos["preferences"]["features"]}
    assert features["prompt"] == {"name": "prompt", "dtype": "string"}
    assert features["chosen"]["list"] == [{"name": "role", "dtype": "string"}, {"name": "content", "dtype": "string"}]
    assert features["chosen_index"]["dtype"] == "int32"


def test_license_and_citation_come_from_the_specs_card(tmp_path: Path) -> None:
    _, body = card_for(write_version(tmp_path / "uf"), tmp_path / "a")
    assert "`mit`, as UltraFeedback." in body and "@misc{cui2023ultrafeedback" in body
    spec = {**SPEC, "card": {"source": "nvidia/HelpSteer2", "license": "cc-by-4.0", "license_note": "Credit NVIDIA."}}
    meta, body = card_for(write_version(tmp_path / "hs", spec=spec), tmp_path / "b")
    assert meta["license"] == "cc-by-4.0" and "ultrafeedback" not in meta["tags"]
    assert "`cc-by-4.0`, as nvidia/HelpSteer2. Credit NVIDIA." in body and "bibtex" not in body
    bare = {k: v for k, v in SPEC.items() if k != "card"}
    meta, body = card_for(write_version(tmp_path / "bare", spec=bare), tmp_path / "c")
    assert meta["license"] == "other"
    assert "The pipeline spec names no license" in body


def test_body_gives_provenance_drop_reasons_and_spec(version_dir: Path, tmp_path: Path) -> None:
    v = Version.open(version_dir)
    _, body = card_for(version_dir, tmp_path)
    assert body.lstrip().startswith("# notus-test/prefs\n")
    assert v.version_id in body
    assert "40b436560ca83a8dba36114c22ab3c66e43f6d5e" in body  # the source revision
    assert "| `tie` | 2 |" in body and "| `invalid:ratings` | 1 |" in body
    assert "5 input records are not in `preferences`" in body
    assert "| `test_size` | `0.1` |" in body
    assert "--set seed=42" in body and "--source input=hf://datasets/openbmb/UltraFeedback@" in body
    assert v.manifest["spec_text"].strip() in body
    assert "| `mismatches` |  | 0 | none" in body
    assert "no decontamination step" in body


def test_local_source_has_no_source_datasets_entry(tmp_path: Path) -> None:
    folder = write_version(tmp_path / "v")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["sources"]["input"]["uri"] = "data/sample/ultrafeedback"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    meta, body = card_for(folder, tmp_path)
    assert "source_datasets" not in meta
    assert "`data/sample/ultrafeedback`" in body
    assert "read from local files, not from a Hub revision" in body


def test_decontamination_section_lists_benchmark_sets_and_matches(tmp_path: Path) -> None:
    sets = [{"benchmark": "truthfulqa", "prompts": 817, "sha256": "ab" * 32},
            {"benchmark": "mt_bench", "prompts": 160, "sha256": "cd" * 32}]
    matches = [{"record_id": 1, "benchmark": "truthfulqa", "method": "exact"},
               {"record_id": 2, "benchmark": "truthfulqa", "method": "ngram"},
               {"record_id": 2, "benchmark": "truthfulqa", "method": "ngram"},
               {"record_id": 3, "benchmark": "truthfulqa", "method": "ngram"}]
    folder = write_version(tmp_path / "v", extra={
        "benchmark_sets": (sets, {"benchmark": pl.String, "prompts": pl.Int64, "sha256": pl.String}),
        "contamination": (matches, {"record_id": pl.Int64, "benchmark": pl.String, "method": pl.String}),
    })
    _, body = card_for(folder, tmp_path)
    section = body.split("## Decontamination", 1)[1].split("\n## ", 1)[0]
    assert f"| truthfulqa | 817 | {'ab' * 8}… |" in section
    assert "| truthfulqa | ngram | 3 | 2 |" in section and "| truthfulqa | exact | 1 | 1 |" in section


def test_card_is_the_same_for_the_same_version(version_dir: Path, tmp_path: Path) -> None:
    v = Version.open(version_dir)
    first = render_card(v, write_tables(v, tmp_path / "a"), "o/n")
    assert render_card(v, write_tables(v, tmp_path / "b"), "o/n") == first


def test_spec_yaml_is_the_written_text_unless_the_spec_extends_another(tmp_path: Path) -> None:
    plain = Version.open(write_version(tmp_path / "plain"))
    assert spec_yaml(plain) == plain.manifest["spec_text"]
    child = {**SPEC, "name": "notus-cleaned", "extends": "notus.yaml"}
    folder = write_version(tmp_path / "child", spec=child)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["spec_text"] = ("name: notus\n\n# --- extended by child.yaml ---\n"
                             "extends: notus.yaml\nname: notus-cleaned\n")
    (folder / "manifest.json").write_text(json.dumps(manifest))
    dumped = spec_yaml(Version.open(folder))
    assert dumped.startswith("# notus-cleaned as built, merged with the spec it extends (notus.yaml)\n")
    assert yaml.safe_load(dumped) == {k: v for k, v in child.items() if k != "extends"}


@pytest.mark.parametrize(("recorded", "shown"), [
    ("/home/me/notus/pipelines/notus-cleaned.yaml", "pipelines/notus-cleaned.yaml"),
    ("pipelines/notus.yaml", "pipelines/notus.yaml"), ("/elsewhere/mine.yaml", "mine.yaml"),
])
def test_spec_path_never_shows_the_builders_absolute_path(tmp_path: Path, recorded: str, shown: str) -> None:
    folder = write_version(tmp_path / "v")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["spec_path"] = recorded
    (folder / "manifest.json").write_text(json.dumps(manifest))
    _, body = card_for(folder, tmp_path)
    assert f"notus run {shown} " in body and f"(`{shown}`)" in body
    assert "/home/me" not in body


@pytest.mark.parametrize(("rows", "label"), [(0, "n<1K"), (999, "n<1K"), (1_000, "1K<n<10K"),
                                             (61_135, "10K<n<100K"), (5_000_000_000, "n>1B")])
def test_size_category(rows: int, label: str) -> None:
    assert size_category(rows) == label


def test_md_table_escapes_pipes_and_newlines() -> None:
    assert md_table(["a"], [["x|y\nz"]]).splitlines()[-1] == "| x\\|y z |"
