"""Issue 14's done-when, on the real pipeline: a repair=true build of a generated sample, `notus judge` on
its review_needed queue against the loopback server, a rebuild that applies the verdicts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from notus.core.version import Version
from tests.support.llm_server import Call, LLMServer, Reply, chat, user_text
from tests.support.llm_server import judge as hashed_judge
from tests.support.paths import REPO

NOTUS = [sys.executable, "-m", "notus.cli.main"]


def notus(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*NOTUS, *args], capture_output=True, text=True, env={**os.environ, **(env or {})})
    assert proc.returncode == 0, proc.stderr
    return proc


def build(tmp_path: Path) -> Version:
    proc = notus("run", str(REPO / "pipelines" / "notus.yaml"), "--input", str(tmp_path / "sample" / "ultrafeedback"),
                 "--source", f"verdicts={tmp_path / 'verdicts'}", "--set", "repair=true", "--build-dir",
                 str(tmp_path / "build"), "--catalog", str(tmp_path / "notus.duckdb"), "--quiet")
    return Version.open(proc.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_judge_the_review_band_then_rebuild_applies_the_verdicts(tmp_path: Path) -> None:
    notus("sample", "--prompts", "800", "--seed", "5", "--out", str(tmp_path / "sample"))
    (tmp_path / "verdicts").mkdir()
    first = build(tmp_path)
    band = first.scan("completions").filter(pl.col("review_needed")).collect()
    assert band.height > 2 and band["fixed_overall_score"].null_count() == band.height
    first_row = band.row(0, named=True)
    garbled = first.scan("responses").filter(  # the response whose judge answers with no rating
        (pl.col("record_id") == first_row["record_id"]) & (pl.col("completion_index") == first_row["completion_index"])
    ).collect()["response"][0]

    def behaviour(call: Call, attempt: int) -> Reply:
        if garbled in user_text(call):
            return Reply(json=chat("I cannot decide."))
        return hashed_judge(call, attempt)  # type: ignore[return-value]

    args = ["judge", str(tmp_path / "build" / "notus" / "latest"), "--queue", "review_needed", "--model", "m",
            "--verdicts-dir", str(tmp_path / "verdicts"), "--cache-dir", str(tmp_path / "cache")]
    with LLMServer(behaviour) as server:
        notus(*args, "--endpoint", server.url)
        sent = len(server.chat_calls())
        notus(*args, "--endpoint", server.url)
        assert len(server.chat_calls()) == sent  # the second run sends nothing
    lines = [json.loads(line) for line in (tmp_path / "verdicts" / "judge-m.jsonl").read_text().splitlines()]
    keys = {(r["prompt_id"], r["completion_index"]) for r in band.iter_rows(named=True)}
    assert {(v["prompt_id"], v["completion_index"]) for v in lines} == keys and len(lines) == len(keys) == sent
    assert [v["action"] for v in lines].count("judge_failed") == 1

    second = build(tmp_path)
    assert second.version_id != first.version_id
    assert build(tmp_path).version_id == second.version_id  # same verdicts, same version
    after = second.scan("completions").collect().join(band.select("record_id", "completion_index"),
                                                       on=["record_id", "completion_index"])
    scores = {(v["prompt_id"], v["completion_index"]): v["score"] for v in lines if v["action"] == "set_score"}
    for row in after.iter_rows(named=True):
        key = (row["prompt_id"], row["completion_index"])
        if key in scores:
            assert row["fixed_overall_score"] == scores[key] and not row["review_needed"]
            assert row["verdict"] == "set_score"
        else:  # the judge_failed one: still undecided
            assert row["fixed_overall_score"] is None and row["review_needed"]
    statuses = second.scan("verdicts").group_by("action", "status").len().collect()
    assert set(statuses.iter_rows()) == {("set_score", "applied", len(scores)), ("judge_failed", "no_effect", 1)}
    with LLMServer() as server:  # the rebuilt version's queue is the failed one, already asked: nothing to send
        notus("judge", str(second.path), *args[2:], "--endpoint", server.url)
        assert server.chat_calls() == []

