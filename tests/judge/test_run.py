"""A judge run against the loopback server: one verdict per queued completion, nothing asked twice, every
odd answer kept as judge_failed, unanswered requests asked again by the next run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from notus.core.errors import UsageError
from notus.core.version import Version
from notus.judge import prompts
from notus.judge.client import ClientSettings, JudgeAbort
from notus.judge.items import Sampling
from notus.judge.run import Job, judge
from notus.verdicts.format import Verdict, read
from tests.judge.conftest import QUEUED
from tests.support.llm_server import Call, Hang, LLMServer, Reply, chat, hashed_rating, user_text
from tests.support.llm_server import judge as hashed_judge


def make_job(version: Path, tmp_path: Path, queue: str = "review_needed", structured: bool = False) -> Job:
    return Job(Version.open(version), queue, "judge-model", prompts.load(), Sampling(structured=structured),
               tmp_path / "verdicts", tmp_path / "cache")


def fast(server: LLMServer, **kw: Any) -> ClientSettings:
    return ClientSettings(server.url, **{"backoff_base": 0.01, "read_timeout": 5.0, **kw})


def verdicts(job: Job) -> list[Verdict]:
    found = [v for _, v in read(job.verdict_file)] if job.verdict_file.exists() else []
    assert all(isinstance(v, Verdict) for v in found)
    return found  # type: ignore[return-value]


def test_one_verdict_per_queued_completion_and_a_rerun_sends_nothing(
        judge_version: Path, tmp_path: Path, server: LLMServer) -> None:
    job = make_job(judge_version, tmp_path)
    summary = judge(job, fast(server), concurrency=3)
    calls = server.chat_calls()
    assert summary.sent == len(calls) == QUEUED and summary.set_score == QUEUED and summary.judge_failed == 0
    written = verdicts(job)
    assert len(written) == QUEUED
    assert len({(v.prompt_id, v.completion_index, v.response_sha256) for v in written}) == QUEUED
    ratings = {json.dumps(c.body["messages"]): hashed_rating(c) for c in calls}
    for v in written:
        assert v.action == "set_score" and v.author == "judge:judge-model" and v.is_human is False
        assert (v.version_id, v.pipeline) == (job.version.version_id, "notus")
        assert set(v.judge or {}) == {"model", "template_sha256", "rating", "rationale", "raw", "request_key"}
        assert v.judge["template_sha256"] == job.template.sha256 and v.score == v.judge["rating"]
        assert v.judge["raw"].startswith(f"Rating: {v.judge['rating']}\nRationale:")
    assert sorted(ratings.values()) == sorted(v.score for v in written)
    before = job.verdict_file.read_bytes()
    again = judge(job, fast(server))
    assert len(server.chat_calls()) == QUEUED and again.sent == 0 and again.plan.done == QUEUED
    assert job.verdict_file.read_bytes() == before


def test_cached_answers_make_the_verdicts_without_a_request(
        judge_version: Path, tmp_path: Path, server: LLMServer) -> None:
    job = make_job(judge_version, tmp_path)
    judge(job, fast(server))
    first = [(v.prompt_id, v.completion_index, v.score) for v in verdicts(job)]
    job.verdict_file.unlink()
    summary = judge(job, fast(server))
    assert summary.sent == 0 and summary.plan.from_cache == QUEUED and len(server.chat_calls()) == QUEUED
    assert sorted((v.prompt_id, v.completion_index, v.score) for v in verdicts(job)) == sorted(first)


def test_structured_output_sends_a_json_schema_and_reads_the_json(
        judge_version: Path, tmp_path: Path, server: LLMServer) -> None:
    job = make_job(judge_version, tmp_path, structured=True)
    judge(job, fast(server))
    body = server.chat_calls()[0].body
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"]["required"] == ["rating", "rationale"]
    written = verdicts(job)
    assert len(written) == QUEUED and all(v.action == "set_score" for v in written)
    assert all(v.judge and v.judge["rationale"].startswith("hashed rating") for v in written)


ODD_ANSWERS = [
    Reply(json=chat("I would say it is decent.")),
    Reply(json=chat("Rating: 12\nRationale: excellent")),
    Reply(json=chat(None, finish_reason="length")),
    Reply(400, json={"error": {"message": "This model's maximum context length is 4096 tokens"}}),
    Reply(text="<html>not json</html>"),
]


def test_odd_answers_become_judge_failed_with_the_raw_text(
        judge_version: Path, tmp_path: Path) -> None:
    def behaviour(call: Call, attempt: int) -> Reply:
        number = int(user_text(call).split("Question ")[1].split(":")[0]) if "Question " in user_text(call) else 10
        return ODD_ANSWERS[number // 2] if number // 2 < len(ODD_ANSWERS) else hashed_judge(call, attempt)
    with LLMServer(behaviour) as server:
        job = make_job(judge_version, tmp_path)
        summary = judge(job, fast(server))
        assert summary.judge_failed == len(ODD_ANSWERS) and summary.set_score == QUEUED - len(ODD_ANSWERS)
        failed = {v.note: v.judge["raw"] for v in verdicts(job) if v.action == "judge_failed" and v.judge}
        assert failed == {
            "no 'Rating: N' line in the answer": "I would say it is decent.",
            "rating 12 is outside the 1–10 scale": "Rating: 12\nRationale: excellent",
            "empty answer (cut at max_tokens: raise --max-tokens)": json.dumps(chat(None, finish_reason="length")),
            "HTTP 400: the server refused this request": json.dumps(ODD_ANSWERS[3].json),
            "not a chat-completions answer (no choices[0].message)": "<html>not json</html>",
        }
        assert judge(job, fast(server)).sent == 0  # an answer is an answer: not asked again


def test_requests_without_an_answer_write_nothing_and_are_asked_by_the_next_run(
        judge_version: Path, tmp_path: Path) -> None:
    def behaviour(call: Call, attempt: int) -> Reply | Hang:
        return Hang() if "Question 0:" in user_text(call) else hashed_judge(call, attempt)
    job = make_job(judge_version, tmp_path)
    with LLMServer(behaviour) as server:
        summary = judge(job, fast(server, read_timeout=0.3, max_attempts=2))
        assert len(server.chat_calls()) == QUEUED + 1  # the hanging one twice
    assert summary.unanswered == ["no answer after 2 attempt(s): timed out (ReadTimeout)"]
    assert len(verdicts(job)) == QUEUED - 1 and summary.retries == 1
    with LLMServer() as server:
        again = judge(job, fast(server))
        assert again.sent == 1 and len(server.chat_calls()) == 1
    assert len(verdicts(job)) == QUEUED


def test_rate_limits_are_waited_out(judge_version: Path, tmp_path: Path) -> None:
    def behaviour(call: Call, attempt: int) -> Reply:
        return Reply(429, json={"error": "rate"}, headers={"Retry-After": "0"}) if attempt == 1 \
            else hashed_judge(call, attempt)  # type: ignore[return-value]
    with LLMServer(behaviour) as server:
        summary = judge(make_job(judge_version, tmp_path), fast(server))
        assert len(server.chat_calls()) == 2 * QUEUED
    assert summary.retries == QUEUED and summary.set_score == QUEUED and not summary.unanswered


def test_max_requests_caps_a_run_and_the_next_run_does_the_rest(
        judge_version: Path, tmp_path: Path, server: LLMServer) -> None:
    job = make_job(judge_version, tmp_path)
    first = judge(job, fast(server), max_requests=2)
    assert first.sent == 2 and first.left == QUEUED - 2 and len(verdicts(job)) == 2
    rest = judge(job, fast(server))
    assert rest.sent == QUEUED - 2 and len(server.chat_calls()) == QUEUED and len(verdicts(job)) == QUEUED


def test_no_more_requests_in_flight_than_the_concurrency(judge_version: Path, tmp_path: Path) -> None:
    server = LLMServer()

    def behaviour(call: Call, attempt: int) -> Reply:
        server.wait_in_flight(3, timeout=5)  # hold each request until three are open at once
        return hashed_judge(call, attempt)  # type: ignore[return-value]
    server.behaviour = behaviour
    with server:
        judge(make_job(judge_version, tmp_path), fast(server), concurrency=3)
    assert server.max_in_flight == 3


def test_a_refused_key_stops_the_run_and_writes_no_verdict(judge_version: Path, tmp_path: Path) -> None:
    job = make_job(judge_version, tmp_path)
    with LLMServer(lambda call, attempt: Reply(401, json={"error": {"message": "bad key"}})) as server, \
            pytest.raises(JudgeAbort, match="refused the API key"):
        judge(job, fast(server, api_key="sk-x"))
    assert verdicts(job) == []


def test_the_mismatches_queue_and_queue_mistakes(judge_version: Path, tmp_path: Path, server: LLMServer) -> None:
    summary = judge(make_job(judge_version, tmp_path, queue="mismatches:negative_critique"), fast(server))
    assert summary.set_score == QUEUED
    with pytest.raises(UsageError, match="a queue of records"):
        make_job(judge_version, tmp_path, queue="everything").requests()
    with pytest.raises(UsageError, match="unknown queue 'nope'"):
        make_job(judge_version, tmp_path, queue="nope").requests()
