"""End to end through the real parts: `notus sample` -> `notus run` of pipelines/notus.yaml and zephyr.yaml
(ingest included) -> the published tables, read the way consumers read them (datasets, TRL's format
check), and the mismatch detector measured against the generator's planted ground truth."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import duckdb
import pytest

from notus.cli.main import main
from notus.core.version import Version
from tests.support.paths import REPO

PROMPTS = 3000


def notus(*argv: str) -> None:
    assert main(list(argv)) == 0, argv


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    notus("sample", "--prompts", str(PROMPTS), "--seed", "5", "--out", str(out))
    return out


@pytest.fixture(scope="module")
def builds(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Version]:
    build = tmp_path_factory.mktemp("build")
    for pipeline in ("notus", "zephyr"):
        notus("run", str(REPO / "pipelines" / f"{pipeline}.yaml"), "--input", str(sample / "ultrafeedback"),
              "--build-dir", str(build), "--set", "seed=7", "--set", "test_size=300", "--quiet")
    return {p: Version.open(build / p) for p in ("notus", "zephyr")}


@pytest.mark.slow
def test_cli_params_reach_the_tables(builds: dict[str, Version]) -> None:
    for version in builds.values():
        assert (version.params["seed"], version.params["test_size"]) == (7, 300)
        assert version.manifest["audits"]["audit_accounting"]["ok"] is True
        split = duckdb.sql(f"SELECT count(DISTINCT prompt_id) FROM '{version.glob('preferences')}' "
                           "WHERE split = 'test'").fetchall()
        assert split == [(300,)]
    assert builds["zephyr"].params["strategy"] == "overall_score"


@pytest.mark.slow
def test_preferences_load_with_datasets_and_pass_trl_format_check(builds: dict[str, Version]) -> None:
    from datasets import load_dataset
    from trl.data_utils import is_conversational

    for version in builds.values():
        files = [str(f) for f in version.files("preferences")]
        data = load_dataset("parquet", data_files=files, split="train")
        assert len(data) == version.rows("preferences")
        example = data[0]
        # TRL's implicit-prompt conversational format is {chosen, rejected}; the plain-text `prompt` column is
        # for people and SQL. is_conversational looks at an arbitrary one of the keys it knows (set order),
        # so it is given exactly the pair TRL trains on.
        assert is_conversational({"chosen": example["chosen"], "rejected": example["rejected"]})
        assert [m["role"] for m in example["chosen"]] == ["user", "assistant"]
        assert example["chosen"][0] == example["rejected"][0] == {"role": "user", "content": example["prompt"]}


@pytest.mark.slow
def test_every_record_accounted_for(builds: dict[str, Version], sample: Path) -> None:
    for version in builds.values():
        counts = duckdb.sql(
            f"SELECT (SELECT count(*) FROM '{version.glob('preferences')}'),"
            f" (SELECT count(*) FROM '{version.glob('dropped')}')"
        ).fetchall()[0]
        assert sum(counts) == PROMPTS


def precision_recall(version: Version, truth: Path, reason: str | None) -> tuple[float, float, int]:
    only = f"WHERE reason = '{reason}'" if reason else ""
    flagged, hits, defects = duckdb.sql(f"""
        WITH f AS (SELECT DISTINCT record_id, completion_index FROM '{version.glob('mismatches')}' {only}),
             d AS (SELECT record_id, completion_index FROM '{truth}' WHERE kind = 'score_defect')
        SELECT (SELECT count(*) FROM f), (SELECT count(*) FROM f JOIN d USING (record_id, completion_index)),
               (SELECT count(*) FROM d)
    """).fetchall()[0]
    return hits / max(flagged, 1), hits / max(defects, 1), defects


@pytest.mark.slow
def test_mismatch_precision_and_recall_on_planted_defects(builds: dict[str, Version], sample: Path) -> None:
    """Planted defects: overall_score 10 with a damning critique, and low, N/A or disagreeing ratings.
    'score_defect' can only see the low-rating ones; 'negative_critique' must find them all."""
    truth = sample / "truth.parquet"
    version = builds["notus"]
    precision, recall, defects = precision_recall(version, truth, "negative_critique")
    assert defects >= 50
    assert precision >= 0.95 and recall >= 0.9, (precision, recall)
    precision, _, _ = precision_recall(version, truth, "score_defect")
    low_ratings = duckdb.sql(f"""
        SELECT count(*) FILTER (WHERE m.record_id IS NOT NULL) / count(*)
        FROM '{truth}' t LEFT JOIN (SELECT * FROM '{version.glob('mismatches')}' WHERE reason = 'score_defect') m
          USING (record_id, completion_index)
        WHERE t.kind = 'score_defect' AND t.detail = 'low_ratings'
    """).fetchall()[0][0]
    assert precision >= 0.95 and low_ratings >= 0.95, (precision, low_ratings)
    precision, recall, _ = precision_recall(version, truth, None)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)


@pytest.mark.slow
def test_controls_are_not_flagged(builds: dict[str, Version], sample: Path) -> None:
    """Top-scored completions with praise, or with negated / softened faults ('no errors', 'not entirely
    complete'), stay out of mismatches."""
    truth = sample / "truth.parquet"
    wrong = duckdb.sql(f"""
        SELECT t.kind, count(*) FROM '{truth}' t
        JOIN '{builds['notus'].glob('mismatches')}' m USING (record_id, completion_index)
        WHERE t.kind IN ('good_top_score', 'tricky_positive') GROUP BY t.kind
    """).fetchall()
    controls = duckdb.sql(f"SELECT count(*) FROM '{truth}' WHERE kind IN ('good_top_score', 'tricky_positive')"
                          ).fetchall()[0][0]
    assert sum(n for _, n in wrong) <= 0.01 * controls, wrong


# --- both annotation shapes, through the real ingest ---------------------------------------------------

def raw_completion(index: int, ratings: list[str], score: float) -> dict:
    def aspect(rating: str, typed: bool) -> dict:
        out = {"Rating": rating, "Rationale": "r"}
        return {**out, "Type": "None", "Rationale For Rating": "rr"} if typed else out

    h, o, i, t = ratings
    return {
        "model": f"m{index}", "principle": "helpfulness", "custom_system_prompt": "", "response": f"answer {index}",
        "annotations": {"helpfulness": aspect(h, True), "honesty": aspect(o, False),
                        "instruction_following": aspect(i, False), "truthfulness": aspect(t, True)},
        "critique": "Your answer is accurate.", "overall_score": score, "fine-grained_score": None,
    }


def as_lists(record: dict) -> dict:
    """The early release's shape: every aspect a one-item list of the struct."""
    out = copy.deepcopy(record)
    for completion in out["completions"]:
        completion["annotations"] = {k: [v] for k, v in completion["annotations"].items()}
    return out


def test_both_annotation_shapes_give_the_same_curation(tmp_path: Path) -> None:
    base = {"source": "flan", "models": ["m0", "m1", "m2"], "correct_answers": ["None"],
            "incorrect_answers": ["None"]}
    first = {**base, "instruction": "shape one", "completions": [
        raw_completion(0, ["4", "N/A", "4", "4"], 8.0), raw_completion(1, ["5", "5", "5", "5"], 7.0),
        raw_completion(2, ["2", "3", "N/A", "1"], 9.0)]}
    second = {**first, "instruction": "shape two"}
    records = [first, as_lists(second)]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "part.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    notus("run", str(REPO / "pipelines" / "notus.yaml"), "--input", str(tmp_path / "in"), "--build-dir",
          str(tmp_path / "build"), "--set", "test_size=0", "--quiet")
    version = Version.open(tmp_path / "build" / "notus")
    rows = duckdb.sql(f"SELECT record_id, completion_index, mean_rating, n_ratings, honesty FROM "
                      f"'{version.glob('completions')}' ORDER BY ALL").fetchall()
    assert rows == [(0, 0, 4.0, 3, None), (0, 1, 5.0, 4, 5), (0, 2, 2.0, 3, 3),
                    (1, 0, 4.0, 3, None), (1, 1, 5.0, 4, 5), (1, 2, 2.0, 3, 3)]
    prefs = duckdb.sql(f"SELECT record_id, chosen_index, chosen_rating FROM '{version.glob('preferences')}' "
                       "ORDER BY record_id").fetchall()
    assert prefs == [(0, 1, 5.0), (1, 1, 5.0)]
