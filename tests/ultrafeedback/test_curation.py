"""The curation tables around binarization, on hand-made ingest tables: rating means and weights, the
score repair, mismatches, duplicates, the excluded extension point, the test split, dropped and the
accounting audit."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pytest

from notus.core.errors import DataError, UsageError
from notus.core.version import Version
from tests.ultrafeedback.curation_harness import DAMNING, Completion, Record, prompt_id, run_curation, table, uniform

RECORDS = [
    Record("plain", [Completion(8, [5, 4, 3, 2]), Completion(7, [3, 3, 3, None])]),  # 0: means 3.5, 3
    Record("defect", [uniform(10, 1, DAMNING), uniform(7, 3)]),  # 1: both kinds of mismatch
    Record("defect without ratings", [uniform(10, None, DAMNING), uniform(6, 3)]),  # 2: critique only
    Record("disagreeing ratings", [uniform(9, 5, DAMNING), uniform(6, 3)]),  # 3: critique only
    Record("ten, fine", [Completion(10, [5, 5, 4, 5]), uniform(5, 2)]),  # 4: 4.75 -> keeps 10
    Record("ten, middling", [uniform(10, 3), uniform(5, 2)]),  # 5: 3.0 -> review
    Record("plain", [uniform(6, 4), uniform(5, 1)]),  # 6: same prompt as 0, other content: kept
    Record("dup", [uniform(7, 5), uniform(6, 2)], content_key="k"),  # 7
    Record("dup", [uniform(7, 5), uniform(6, 2)], content_key="k"),  # 8: exact duplicate of 7
    Record("broken", []),  # 9: listed as invalid
]
INVALID = [(9, "invalid:annotations")]


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("curation")


@pytest.fixture(scope="module")
def notus(work: Path) -> Version:
    return run_curation(work, RECORDS, invalid=INVALID, name="base")


def completion_rows(version: Version) -> dict[tuple[int, int], dict]:
    return {(r["record_id"], r["completion_index"]): r for r in table(version, "completions").iter_rows(named=True)}


def test_completions_means_skip_na_and_keep_the_four_ratings(notus: Version) -> None:
    rows = completion_rows(notus)
    first = rows[(0, 0)]
    assert (first["mean_rating"], first["n_ratings"]) == (3.5, 4)
    assert (first["helpfulness"], first["honesty"], first["instruction_following"], first["truthfulness"]) == (
        5, 4, 3, 2)
    assert (rows[(0, 1)]["mean_rating"], rows[(0, 1)]["n_ratings"], rows[(0, 1)]["truthfulness"]) == (3.0, 3, None)
    assert (rows[(2, 0)]["mean_rating"], rows[(2, 0)]["n_ratings"]) == (None, 0)
    assert rows[(0, 0)]["source"] == "sharegpt" and rows[(0, 0)]["prompt_id"] == prompt_id("plain")
    assert (8, 0) in rows  # completions describe every ingested record, duplicates included
    assert all(r["fixed_overall_score"] == r["overall_score"] and not r["review_needed"] for r in rows.values())


def test_aspects_and_weights(work: Path) -> None:
    version = run_curation(work, RECORDS[:1], name="weights",
                           sets={"aspects": ["helpfulness", "truthfulness"], "weights": [3, 1]})
    rows = completion_rows(version)
    assert rows[(0, 0)]["mean_rating"] == pytest.approx((3 * 5 + 2) / 4)
    assert (rows[(0, 1)]["mean_rating"], rows[(0, 1)]["n_ratings"]) == (3.0, 1)  # its truthfulness is N/A
    assert rows[(0, 0)]["honesty"] == 4  # the ratings columns do not depend on the aspects chosen


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        ({"aspects": ["helpfulness", "helpfullness"]},
         r"--set aspects: expected items that are each one of helpfulness, honesty, instruction_following, "
         r"truthfulness \(got 'helpfullness'\)"),
        ({"weights": [1, 1]}, r"--set weights: expected an empty list or one item per item of 'aspects' \(4\)"),
        ({"weights": [1, 1, 1, -1]}, r"--set weights: expected items that are each a number >= 0 \(got -1\)"),
        ({"aspects": ["honesty", "honesty"]}, "--set aspects: expected no item listed twice"),
    ],
)
def test_bad_aspects_or_weights_fail_clearly_before_the_run(tmp_path: Path, sets: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        run_curation(tmp_path, RECORDS[:1], sets=sets)
    assert not list(tmp_path.rglob("*.parquet")) or not (tmp_path / "build" / ".steps").exists()


def test_repair_applies_the_upstream_rule(work: Path) -> None:
    rows = completion_rows(run_curation(work, RECORDS, invalid=INVALID, name="repair", sets={"repair": True}))
    fixed = {k: (r["fixed_overall_score"], r["review_needed"]) for k, r in rows.items()}
    assert fixed[(1, 0)] == (1.0, False)  # mean 1 <= 2 -> 1
    assert fixed[(4, 0)] == (10.0, False)  # mean 4.75 > 4 -> keep 10
    assert fixed[(5, 0)] == (None, True)  # mean 3 -> upstream re-asked GPT-4: flag it
    assert fixed[(2, 0)] == (None, True)  # no ratings: cannot tell
    assert fixed[(3, 0)] == (9.0, False)  # only 10 was ever mis-parsed
    assert fixed[(0, 0)] == (8.0, False)


def test_zephyr_ranks_by_the_repaired_score_when_asked(work: Path) -> None:
    raw = table(run_curation(work, RECORDS[1:2], name="zraw", pipeline="zephyr"), "preferences")
    assert raw["chosen_index"].to_list() == [0] and raw["chosen_score"].to_list() == [10.0]
    fixed = table(run_curation(work, RECORDS[1:2], name="zfix", pipeline="zephyr", sets={"repair": True}),
                  "preferences")
    assert fixed["chosen_index"].to_list() == [1] and fixed["rejected_score"].to_list() == [1.0]


def test_mismatches_both_reasons(notus: Version) -> None:
    rows = table(notus, "mismatches").select("record_id", "completion_index", "reason", "evidence").rows()
    flagged = {(r, c, reason) for r, c, reason, _ in rows}
    assert flagged == {
        (1, 0, "negative_critique"), (1, 0, "score_defect"),
        (2, 0, "negative_critique"),  # no ratings: only the text can tell
        (3, 0, "negative_critique"),  # ratings disagree with the text
    }
    evidence = {(r, reason): e for r, _, reason, e in rows}
    assert "does not address" in evidence[(1, "negative_critique")]
    assert evidence[(1, "score_defect")] == "mean_rating 1.00 over 4 rating(s)"


def test_mismatch_thresholds_are_params(work: Path) -> None:
    version = run_curation(work, RECORDS, invalid=INVALID, name="strict",
                           sets={"defect_score_min": 10, "negative_critique_threshold": 100})
    assert set(table(version, "mismatches")["reason"]) == {"score_defect"}
    version = run_curation(work, RECORDS, invalid=INVALID, name="lenient", sets={"defect_mean_max": 3})
    defects = table(version, "mismatches").filter(reason="score_defect")
    assert sorted(defects["record_id"]) == [1, 5]  # record 5: top score, mean 3


def test_duplicates_and_duplicate_prompts(notus: Version) -> None:
    dropped = {r["record_id"]: r for r in table(notus, "dropped").iter_rows(named=True)}
    assert dropped[8]["reason"] == "duplicate" and dropped[8]["detail"] == "same content as record_id 7"
    assert 7 not in dropped
    prefs = table(notus, "preferences")
    same_prompt = prefs.filter(prompt="plain")
    assert sorted(same_prompt["record_id"]) == [0, 6]  # other content: both binarized
    assert same_prompt["split"].n_unique() == 1  # one prompt, one split


def test_dropped_accounts_for_every_record(notus: Version) -> None:
    prefs = set(table(notus, "preferences")["record_id"])
    dropped = table(notus, "dropped")
    assert dropped.filter(record_id=9)["reason"].to_list() == ["invalid:annotations"]
    assert prefs.isdisjoint(dropped["record_id"]) and dropped["record_id"].is_unique().all()
    assert prefs | set(dropped["record_id"]) == set(range(len(RECORDS)))
    assert notus.manifest["audits"]["audit_accounting"]["ok"] is True


def test_preferences_schema(notus: Version) -> None:
    prefs = table(notus, "preferences")
    assert prefs.columns == [
        "record_id", "prompt_id", "source", "prompt", "chosen", "rejected", "chosen_rating", "rejected_rating",
        "chosen_score", "rejected_score", "chosen_model", "rejected_model", "chosen_index", "rejected_index",
        "split",
    ]
    row = prefs.filter(record_id=0).row(0, named=True)
    assert row["chosen"] == [{"role": "user", "content": "plain"},
                             {"role": "assistant", "content": "response 0 to plain"}]
    assert row["rejected"][1]["content"] == "response 1 to plain"
    assert (row["chosen_rating"], row["rejected_rating"], row["chosen_score"], row["rejected_score"]) == (
        3.5, 3.0, 8.0, 7.0)


def test_excluded_is_the_extension_point(work: Path) -> None:
    """A derived pipeline overrides `excluded` by name: its records leave binarization and enter dropped."""
    override = (
        "SELECT record_id, prompt_id, reason, detail FROM duplicates\n"
        "UNION ALL\n"
        "SELECT record_id, prompt_id, 'contaminated', 'benchmark prompt' FROM prompts WHERE record_id = 0\n"
    )
    version = run_curation(work, RECORDS, invalid=INVALID, name="cleaned", overrides={"excluded": override})
    assert 0 not in set(table(version, "preferences")["record_id"])
    reasons = dict(table(version, "dropped").select("record_id", "reason").iter_rows())
    assert reasons[0] == "contaminated" and reasons[8] == "duplicate"


def test_accounting_audit_catches_a_record_dropped_twice(work: Path) -> None:
    override = "SELECT * FROM duplicates UNION ALL SELECT * FROM duplicates\n"
    with pytest.raises(DataError, match=r"audit_accounting.*in dropped 2 times"):
        run_curation(work, RECORDS, invalid=INVALID, name="twice", overrides={"excluded": override})


def test_accounting_audit_catches_a_lost_record(work: Path) -> None:
    override = (  # a `dropped` that forgets ingest's invalid records
        "SELECT record_id, prompt_id, reason, detail FROM excluded\n"
        "UNION ALL SELECT record_id, prompt_id, reason, detail FROM binarized WHERE reason IS NOT NULL\n"
    )
    with pytest.raises(DataError, match=r"audit_accounting.*missing"):
        run_curation(work, RECORDS, invalid=INVALID, name="lost", overrides={"dropped": override})


SPLIT = [Record(f"split prompt {i}", [uniform(8, 5), uniform(7, 2)]) for i in range(40)]


def test_split_count_takes_the_smallest_hashes(work: Path) -> None:
    prefs = table(run_curation(work, SPLIT, name="split5", sets={"test_size": 5, "seed": 3}), "preferences")
    ranked = sorted(SPLIT, key=lambda r: hashlib.sha256(f"split:3:{prompt_id(r.prompt)}".encode()).hexdigest())
    assert sorted(prefs.filter(split="test")["prompt"]) == sorted(r.prompt for r in ranked[:5])
    assert prefs.filter(split="train").height == 35


def test_split_fraction_cap_and_zero(work: Path) -> None:
    def test_rows(**sets: object) -> int:
        name = "split_" + "_".join(f"{k}{v}" for k, v in sets.items()).replace(".", "p")
        return table(run_curation(work, SPLIT, name=name, sets=sets), "preferences").filter(split="test").height

    assert test_rows(test_size=0.1) == math.ceil(0.1 * 40)
    assert test_rows(test_size=2000) == 20  # a count above half the prompts is capped at half
    assert test_rows(test_size=0) == 0


def test_split_depends_on_the_seed(work: Path) -> None:
    def test_prompts(seed: int) -> set[str]:
        version = run_curation(work, SPLIT, name=f"seed{seed}", sets={"test_size": 10, "seed": seed})
        return set(table(version, "preferences").filter(split="test")["prompt"])

    assert test_prompts(1) != test_prompts(2)


@pytest.mark.parametrize("size", [-1, 2.5])
def test_bad_test_size_fails_clearly_before_the_run(tmp_path: Path, size: float) -> None:
    with pytest.raises(UsageError, match=r"--set test_size: expected a count >= 1 \(a whole number\) or a "
                                         r"fraction in \(0, 1\) or 0 for no test split"):
        run_curation(tmp_path, SPLIT[:4], sets={"test_size": size})
