"""Offline batches: the Batch API file a live run would have sent, and its results imported into the same
verdicts a live run writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from notus.core.errors import DataError
from notus.judge import batch
from notus.judge.offline import batch_file, import_batch
from notus.judge.run import judge
from tests.judge.conftest import QUEUED
from tests.judge.test_run import fast, make_job, verdicts
from tests.support.llm_server import Call, LLMServer, chat
from tests.support.llm_server import judge as hashed_judge


def results_for(lines: list[dict]) -> list[dict]:
    """What the Batch API (or vllm run-batch) returns: the loopback judge's answer to each request."""
    out = []
    for n, line in enumerate(lines):
        reply = hashed_judge(Call(line["url"], {}, line["body"]), 1)
        out.append({"id": f"batch_req_{n}", "custom_id": line["custom_id"],
                    "response": {"status_code": 200, "request_id": f"req_{n}", "body": reply.json}, "error": None})
    return out


def test_the_batch_file_holds_the_pending_requests(judge_version: Path, tmp_path: Path) -> None:
    job = make_job(judge_version, tmp_path)
    summary, files = batch_file(job, tmp_path / "batch.jsonl")
    assert files == [tmp_path / "batch.jsonl"] and summary.plan.queued == QUEUED
    lines = [json.loads(line) for line in files[0].read_text().splitlines()]
    assert len(lines) == QUEUED and {tuple(sorted(line)) for line in lines} == {("body", "custom_id", "method", "url")}
    assert {line["custom_id"] for line in lines} == set(summary.plan.pending)
    assert all(line["method"] == "POST" and line["url"] == "/v1/chat/completions" for line in lines)
    request = summary.plan.pending[lines[0]["custom_id"]][0]
    assert lines[0]["body"] == request.body and request.body["model"] == "judge-model"
    assert not job.verdict_file.exists() and not job.store.path.exists()  # nothing sent, nothing written


def test_a_batch_over_the_limit_is_split_into_parts(judge_version: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "MAX_LINES", 4)
    _, files = batch_file(make_job(judge_version, tmp_path), tmp_path / "b.jsonl")
    assert [f.name for f in files] == ["b.jsonl", "b-part2.jsonl"]
    assert [len(f.read_text().splitlines()) for f in files] == [4, QUEUED - 4]


def test_imported_results_make_the_verdicts_a_live_run_makes(judge_version: Path, tmp_path: Path) -> None:
    offline = make_job(judge_version, tmp_path / "offline")
    _, (path,) = batch_file(offline, tmp_path / "batch.jsonl")
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    results = results_for(lines)
    results[1] = {"id": "x", "custom_id": lines[1]["custom_id"], "response": None,
                  "error": {"code": "batch_expired", "message": "not run in time"}}
    results[2]["response"] = {"status_code": 400, "body": {"error": {"message": "context too long"}}}
    other = {"id": "y", "custom_id": "f" * 64, "response": {"status_code": 200, "body": chat("Rating: 5")}}
    text = "\n".join(json.dumps(r) for r in [*results, other]) + "\nnot json\n"
    (tmp_path / "results.jsonl").write_text(text)

    imported = import_batch(offline, tmp_path / "results.jsonl")
    assert (imported.stored, imported.unmatched, imported.known) == (QUEUED - 1, 1, 0)
    assert imported.failed == [(lines[1]["custom_id"], "batch_expired: not run in time")]
    assert imported.bad_lines == [(QUEUED + 2, "not JSON")]
    assert imported.summary.set_score == QUEUED - 2 and imported.summary.judge_failed == 1
    assert len(imported.summary.plan.pending) == 1  # the expired one: still to ask

    with LLMServer() as server:
        live = make_job(judge_version, tmp_path / "live")
        judge(live, fast(server))
        judge(offline, fast(server))  # the rest of the offline job, live
        assert len(server.chat_calls()) == QUEUED + 1
    key = lambda v: (v.prompt_id, v.completion_index)  # noqa: E731
    by_live = {key(v): v.score for v in verdicts(live)}
    by_offline = {key(v): (v.action, v.score) for v in verdicts(offline)}
    assert len(by_offline) == QUEUED
    assert sum(action == "judge_failed" for action, _ in by_offline.values()) == 1
    assert all(by_live[k] == score for k, (action, score) in by_offline.items() if action == "set_score")
    again = import_batch(offline, tmp_path / "results.jsonl")  # importing twice writes nothing new
    assert again.known == QUEUED - 1 and again.summary.verdicts == 0


def test_a_file_that_is_not_batch_results_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "r.jsonl").write_text("hello\n{}\n")
    with pytest.raises(DataError, match="not a Batch API results file"):
        batch.read_results(tmp_path / "r.jsonl")
