"""Every new pipeline end to end on input in its dataset's published schema: planted defects end where they
must, every input row is accounted for (the audits), `preferences` loads with `datasets` and passes TRL's
own format checks with the whole history as the prompt, the Nectar draw is the documented formula, and
h4-recurated runs on the 1,200 real rows when ../shared/data is there."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from notus.cli.main import main as cli_main
from notus.core.runner import run_pipeline
from notus.core.version import Version
from notus.sample.shape_files import write_shape
from notus.verdicts.format import Verdict, append, text_sha256
from tests.support.paths import REPO, SHARED_DATA

N = 400
PIPELINES = {"hh-rlhf": "hh-rlhf", "h4-recurated": "ultrafeedback-binarized", "helpsteer2": "helpsteer2",
             "nectar": "nectar"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shapes")
    for schema in PIPELINES.values():
        write_shape(out, schema, N, seed=5, fmt="parquet" if schema == "nectar" else "jsonl")
    return out


@pytest.fixture(scope="module")
def versions(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Version]:
    build = tmp_path_factory.mktemp("build")
    built = {}
    for pipeline, schema in PIPELINES.items():
        sources = {"input": str(sample / schema)}
        if pipeline == "h4-recurated":
            sources["benchmarks"] = str(sample / "benchmarks")
        built[pipeline] = Version.open(run_pipeline(REPO / "pipelines" / f"{pipeline}.yaml", build_dir=build,
                                                    sources=sources, sets={"test_size": 0.1}))
    return built


def table(v: Version, name: str) -> pl.DataFrame:
    return v.scan(name).collect()


@pytest.mark.parametrize("pipeline", list(PIPELINES))
def test_planted_defects_end_where_they_must(pipeline: str, sample: Path, versions: dict[str, Version]) -> None:
    v = versions[pipeline]
    truth = pl.read_parquet(sample / f"{PIPELINES[pipeline]}-truth.parquet")
    assert truth.height > 0
    outcome = truth.join(table(v, "dropped"), on="record_id", how="left")
    if pipeline == "helpsteer2":  # a bad ROW is quarantined under its own ordinal
        assert outcome["reason"].to_list() == outcome["expected"].to_list()
    else:
        wrong = outcome.filter(pl.col("reason").ne_missing(pl.col("expected")))
        assert wrong.is_empty(), wrong
    assert all(a["ok"] for a in v.manifest["audits"].values())
    expected_audits = {"audit_accounting", "audit_rows"} if pipeline == "helpsteer2" else {"audit_accounting"}
    assert set(v.manifest["audits"]) == expected_audits


@pytest.mark.parametrize("pipeline", list(PIPELINES))
def test_every_input_row_is_accounted_for(pipeline: str, sample: Path, versions: dict[str, Version]) -> None:
    v = versions[pipeline]
    prefs, dropped = table(v, "preferences"), table(v, "dropped")
    kept, gone = set(prefs["record_id"].to_list()), dropped["record_id"].to_list()
    assert not kept & set(gone) and len(gone) == len(set(gone))
    if pipeline == "helpsteer2":  # records are prompts' runs of rows: every row is in one response or invalid
        rows = table(v, "responses")["row_id"].to_list() + dropped.filter(
            pl.col("reason").str.starts_with("invalid:"))["record_id"].to_list()
        assert sorted(rows) == list(range(N))
        assert len(kept) + len(gone) == table(v, "prompts").height + dropped.filter(
            pl.col("reason").str.starts_with("invalid:")).height
    else:
        assert sorted(kept | set(gone)) == list(range(N))


@pytest.mark.parametrize("pipeline", list(PIPELINES))
def test_preferences_load_with_datasets_and_pass_trl_checks(pipeline: str, versions: dict[str, Version]) -> None:
    from datasets import load_dataset
    from trl.data_utils import extract_prompt, is_conversational, maybe_extract_prompt

    v = versions[pipeline]
    rows = load_dataset("parquet", data_files=[str(f) for f in v.files("preferences")], split="train")
    conversations = dict(table(v, "prompts").select("record_id", "conversation").iter_rows())
    assert len(rows) > table(v, "prompts").height // 2
    multi = 0
    for row in rows:
        pair = {"chosen": row["chosen"], "rejected": row["rejected"]}
        assert is_conversational(pair) and is_conversational({"prompt": row["chosen"][:-1]})
        history = conversations[row["record_id"]]
        assert maybe_extract_prompt(pair)["prompt"] == history == extract_prompt(pair)["prompt"]
        assert maybe_extract_prompt(dict(row))["prompt"] == history  # with the plain-text prompt column too
        assert row["prompt"] == history[-1]["content"]
        assert row["chosen"][-1]["role"] == row["rejected"][-1]["role"] == "assistant"
        multi += sum(m["role"] == "user" for m in history) > 1
    if pipeline != "h4-recurated":  # H4 is single-turn; the others keep their history
        assert multi > len(rows) // 10
    assert set(rows["split"]) == {"train", "test"}


def test_nectar_rejected_is_the_documented_seeded_draw(versions: dict[str, Version]) -> None:
    """rank 1 against int(sha256('<seed>:<prompt_id>')[:15], 16) mod n among the strictly lower ranks."""
    v = versions["nectar"]
    ranks = table(v, "completions").select("record_id", "completion_index", "rank")
    for row in table(v, "preferences").iter_rows(named=True):
        mine = ranks.filter(pl.col("record_id") == row["record_id"]).sort("completion_index")
        best = mine["rank"].min()
        lower = mine.filter(pl.col("rank") > best)["completion_index"].to_list()
        draw = int(hashlib.sha256(f"42:{row['prompt_id']}".encode()).hexdigest()[:15], 16) % len(lower)
        assert row["chosen_index"] == mine.filter(pl.col("rank") == best)["completion_index"][0]
        assert row["rejected_index"] == lower[draw]


def test_helpsteer2_binarizes_on_the_weighted_mean(sample: Path, tmp_path: Path) -> None:
    """Weights are params: helpfulness alone, or all five aspects, pick the chosen response; ties drop."""
    spec = REPO / "pipelines" / "helpsteer2.yaml"
    sources = {"input": str(sample / "helpsteer2")}
    only_help = Version.open(run_pipeline(spec, build_dir=tmp_path, sources=sources,
                                          sets={"weights": [1, 0, 0, 0, 0], "test_size": 0}))
    ratings = pl.read_parquet(only_help.files("prompts")[0].parent / "prompts.parquet").height
    assert ratings > 0
    help_of = {(r, c): dict((a["aspect"], a["rating"]) for a in ar)["helpfulness"]
               for r, c, ar in table(only_help, "completions").select("record_id", "completion_index",
                                                                     "aspect_ratings").iter_rows()}
    for row in table(only_help, "preferences").iter_rows(named=True):
        chosen, rejected = help_of[(row["record_id"], row["chosen_index"])], help_of[(row["record_id"],
                                                                                        row["rejected_index"])]
        assert chosen > rejected == row["rejected_rating"]
    ties = table(only_help, "dropped").filter(pl.col("reason") == "tie")
    assert ties.height > 0 and ties["detail"][0].startswith("all 2 rated completions share the top mean")
    with pytest.raises(Exception, match="weights"):
        run_pipeline(spec, build_dir=tmp_path, sources=sources, sets={"weights": [1, 2]})


def test_a_reviewers_verdicts_apply_to_any_dataset(sample: Path, versions: dict[str, Version], tmp_path: Path) -> None:
    """drop_record on an HH record -> dropped `reviewed`; set_pair on a Nectar record -> that pair."""
    hh, nectar = versions["hh-rlhf"], versions["nectar"]
    victim = table(hh, "preferences").row(0, named=True)
    pick = table(nectar, "preferences").row(0, named=True)
    texts = dict(((r, c), t) for r, c, t in table(nectar, "responses").select(
        "record_id", "completion_index", "response").iter_rows())
    common: dict[str, Any] = {"author": "human:anna", "created_at": "2026-12-02T10:00:00.000000Z"}
    folder = tmp_path / "verdicts"
    folder.mkdir()
    append(folder / "anna.jsonl", [
        Verdict(action="drop_record", prompt_id=victim["prompt_id"], version_id=hh.version_id, pipeline="hh-rlhf",
                note="off-topic", **common),
        Verdict(action="set_pair", prompt_id=pick["prompt_id"], version_id=nectar.version_id, pipeline="nectar",
                chosen_index=6, chosen_sha256=text_sha256(texts[(pick["record_id"], 6)]), rejected_index=0,
                rejected_sha256=text_sha256(texts[(pick["record_id"], 0)]), **common),
    ])
    build = tmp_path / "build"
    hh2 = Version.open(run_pipeline(REPO / "pipelines" / "hh-rlhf.yaml", build_dir=build, sets={"test_size": 0.1},
                                    sources={"input": str(sample / "hh-rlhf"), "verdicts": str(folder)}))
    dropped = table(hh2, "dropped").filter(pl.col("record_id") == victim["record_id"]).row(0, named=True)
    assert (dropped["reason"], dropped["detail"]) == ("reviewed", "off-topic (human:anna)")
    statuses = dict(table(hh2, "verdicts").select("action", "status").iter_rows())
    assert statuses == {"drop_record": "applied", "set_pair": "not_in_input"}  # the Nectar verdict names no HH prompt
    n2 = Version.open(run_pipeline(REPO / "pipelines" / "nectar.yaml", build_dir=build, sets={"test_size": 0.1},
                                   sources={"input": str(sample / "nectar"), "verdicts": str(folder)}))
    row = table(n2, "preferences").filter(pl.col("record_id") == pick["record_id"]).row(0, named=True)
    assert (row["chosen_index"], row["rejected_index"]) == (6, 0)


def test_training_data_keeps_the_history(versions: dict[str, Version]) -> None:
    from notus.train.data import load_split, to_trl

    v = versions["hh-rlhf"]
    rows = to_trl(load_split(v, "train"), system_message="")
    longest = max(rows, key=lambda r: len(r["prompt"]))
    assert len(longest["prompt"]) >= 4 and longest["prompt"][-1]["role"] == "user"
    assert [m["role"] for m in longest["chosen"]] == ["assistant"]


def test_notus_run_on_the_command_line(sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The done-when: `notus run pipelines/<p>.yaml --input <file in the published schema>`."""
    code = cli_main(["run", str(REPO / "pipelines" / "nectar.yaml"), "--input",
                     str(sample / "nectar" / "rlaif.parquet"), "--build-dir", str(tmp_path / "b"),
                     "--catalog", str(tmp_path / "c.duckdb")])
    assert code == 0
    folder = Path(capsys.readouterr().out.strip().splitlines()[-1])
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["audits"]["audit_accounting"]["ok"]
    assert set(manifest["tables"]) >= {"preferences", "dropped", "prompts", "responses", "completions", "verdicts"}


def test_h4_recurated_on_the_real_rows(tmp_path: Path) -> None:
    """The 1,200 real ultrafeedback_binarized rows (plain-text variant): H4's prompt ids kept, identical
    pairs and blank answers quarantined, duplicates and contamination counted against the real sets."""
    rows_dir, benchmarks = SHARED_DATA / "ultrafeedback-binarized-sample", SHARED_DATA / "benchmarks"
    if not rows_dir.is_dir() or not benchmarks.is_dir():
        pytest.skip("../shared/data is not present")
    v = Version.open(run_pipeline(REPO / "pipelines" / "h4-recurated.yaml", build_dir=tmp_path,
                                  sources={"input": str(rows_dir), "benchmarks": str(benchmarks)},
                                  sets={"test_size": 200}))
    dropped = table(v, "dropped")
    counts = dict(dropped.group_by("reason").len().iter_rows())
    print(f"\nh4-recurated on the 1,200 real rows: {table(v, 'preferences').height} pairs; dropped {counts}")
    assert table(v, "preferences").height + dropped.height == 1200
    assert counts.get("invalid:identical_pair") == 5 and counts.get("invalid:missing_rejected", 0) + counts.get(
        "invalid:missing_chosen", 0) == 2
    assert counts.get("contaminated", 0) <= 6 and counts.get("duplicate", 0) + counts.get("duplicate_prompt", 0) == 0
    real = {json.loads(line)["prompt"] for f in sorted(rows_dir.iterdir()) for line in f.open()}
    assert set(table(v, "prompts")["prompt_id"].to_list()) <= {hashlib.sha256(p.encode()).hexdigest() for p in real}
    assert table(v, "benchmark_sets").height == 4
    assert table(v, "preferences")["split"].value_counts().sort("split").rows() == [("test", 200), ("train", 993)]


def test_the_readme_worked_example(tmp_path: Path) -> None:
    """README, "Curating another dataset": your own columns, declared in a YAML that extends a template."""
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("### A worked example"):readme.index("### The shape samples")]
    record = json.loads(section.split("```json\n")[1].split("```")[0])
    spec = section.split("```yaml\n")[1].split("```")[0]
    project = tmp_path / "project"
    (project / "pipelines").mkdir(parents=True)
    (project / "sql").symlink_to(REPO / "sql")
    for template in ("pairwise.yaml",):
        (project / "pipelines" / template).symlink_to(REPO / "pipelines" / template)
    (project / "pipelines" / "my-prefs.yaml").write_text(spec)
    rows = [record, {**record, "question": "Is a potato a fruit?", "scores": {"good": 6, "bad": 1}},
            {**record, "question": "Is rhubarb a fruit?", "bad": record["good"]}]
    (project / "data" / "my-prefs").mkdir(parents=True)
    (project / "data" / "my-prefs" / "part-0.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    v = Version.open(run_pipeline(project / "pipelines" / "my-prefs.yaml", build_dir=tmp_path / "build"))
    prefs, dropped = table(v, "preferences"), table(v, "dropped")
    assert prefs.select("prompt", "chosen_score", "rejected_score", "source").rows() == [
        ("Is a tomato a fruit?", 5.0, 2.0, "forum")]
    assert dict(dropped.select("record_id", "reason").iter_rows()) == {1: "invalid:score", 2: "invalid:identical_pair"}
