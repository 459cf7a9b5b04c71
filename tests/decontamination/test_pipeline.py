"""pipelines/notus-cleaned.yaml on hand-made ingest tables (the curation harness) and a synthetic benchmark
folder: contaminated records leave through `dropped` once each, the accounting audit holds, the tables
are published, and the benchmark files' content enters the version id."""

from __future__ import annotations

from pathlib import Path

import pytest

from notus.core.spec import load_spec
from notus.core.version import Version
from tests.ultrafeedback.curation_harness import REPO, Record, run_curation, table, uniform

from .conftest import SYNTHETIC, write_benchmarks

RATED = [uniform(8, 5), uniform(7, 3), uniform(6, 2)]
LIMERICK = SYNTHETIC["alpaca_eval"][0]
RECORDS = [
    Record("An ordinary prompt about sourdough bread", RATED),  # 0: kept
    Record("What is the capital of a country you made up?", RATED, source="truthful_qa"),  # 1: source rule
    Record(f"my teacher gave us this: {LIMERICK.lower()} go!", RATED),  # 2: embedded AlpacaEval item
    Record(LIMERICK, RATED, content_key="copy"),  # 3: exact copy (and n-grams)
    Record(LIMERICK, RATED, content_key="copy"),  # 4: a duplicate of 3, also contaminated
    Record("An ordinary prompt about sourdough bread", RATED, content_key="bread"),  # 5: kept
    Record("Another ordinary prompt", RATED, content_key="bread"),  # 6: duplicate of 5, not contaminated
]


@pytest.fixture
def cleaned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Version:
    monkeypatch.setenv("NOTUS_BENCHMARKS", str(write_benchmarks(tmp_path / "bench")))
    return run_curation(tmp_path, RECORDS, pipeline="notus-cleaned")


def test_contaminated_records_are_dropped_once_and_the_audit_holds(cleaned: Version) -> None:
    dropped = table(cleaned, "dropped")
    reasons = dict(dropped.select("record_id", "reason").iter_rows())
    assert reasons == {1: "contaminated", 2: "contaminated", 3: "contaminated", 4: "contaminated", 6: "duplicate"}
    assert dropped.get_column("record_id").is_unique().all()
    assert sorted(table(cleaned, "preferences").get_column("record_id").to_list()) == [0, 5]
    assert cleaned.manifest["audits"]["audit_accounting"]["ok"] is True


def test_detail_names_the_strongest_hit_and_the_others(cleaned: Version) -> None:
    details = dict(table(cleaned, "dropped").select("record_id", "detail").iter_rows())
    assert details[1] == "truthfulqa/source (score 1.00): source = truthful_qa"
    assert details[3] == f"alpaca_eval/exact (score 1.00): {LIMERICK} [also: alpaca_eval/ngram]"
    assert details[2].startswith("alpaca_eval/ngram (score 1.00): write a limerick about a forgetful")


def test_contamination_and_benchmark_sets_are_published(cleaned: Version) -> None:
    assert {"preferences", "dropped", "contamination", "benchmark_sets"} <= set(cleaned.tables)
    contamination = table(cleaned, "contamination")
    assert set(contamination.get_column("record_id")) == {1, 2, 3, 4}
    sets = table(cleaned, "benchmark_sets")
    assert dict(sets.select("benchmark", "items").iter_rows()) == {
        "alpaca_eval": 3, "mt_bench": 2, "truthfulqa": 4, "vicuna_bench": 1
    }
    source = cleaned.manifest["sources"]["benchmarks"]
    assert {Path(f["path"]).name for f in source["files"]} == set(sets.get_column("file"))
    assert set(sets.get_column("sha256")) == {f["sha256"] for f in source["files"]}


def test_benchmark_content_enters_the_version_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cleaned: Version
) -> None:
    changed = {**SYNTHETIC, "vicuna_bench": [["What would a lighthouse keeper write in a letter home?"]]}
    monkeypatch.setenv("NOTUS_BENCHMARKS", str(write_benchmarks(tmp_path / "bench-2", changed)))
    rebuilt = run_curation(tmp_path, RECORDS, pipeline="notus-cleaned")
    assert rebuilt.version_id != cleaned.version_id
    assert table(rebuilt, "dropped").equals(table(cleaned, "dropped"))


def test_the_plain_notus_pipeline_keeps_what_cleaned_removes(tmp_path: Path) -> None:
    plain = run_curation(tmp_path, RECORDS, pipeline="notus", name="plain")
    assert "contamination" not in plain.tables
    assert sorted(table(plain, "preferences").get_column("record_id").to_list()) == [0, 1, 2, 3, 5]


def test_spec_declares_the_embedded_default_and_the_published_tables() -> None:
    spec = load_spec(REPO / "pipelines" / "notus-cleaned.yaml")
    assert spec.sources["benchmarks"].candidates == (
        "${NOTUS_BENCHMARKS}", "benchmarks+hub://default", "data/sample/benchmarks"
    )
    assert spec.step("decontamination").ref == "decontamination.match"
    assert spec.step("excluded").ref == "sql/excluded_decontaminated.sql"
    assert {"contamination", "benchmark_sets"} <= set(spec.publish)
    assert {p: spec.params[p].default for p in ("ngram_n", "ngram_threshold", "min_item_words")} == {
        "ngram_n": 13, "ngram_threshold": 0.5, "min_item_words": 5
    }
