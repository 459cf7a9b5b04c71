"""A judge run: the queue's requests, minus what is already decided or answered, sent under a concurrency
limit; each answer stored, then turned into verdicts, as it arrives.

WHY store-then-verdict per answer, in the event loop: the answer is fsynced to the cache before its verdict
line is appended (fsynced too), so a crash between the two leaves an answer whose verdict the next run writes
from the cache without a request, and a crash before either costs only that one request. The writes happen
in the one event-loop thread, so lines never interleave.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from notus.core.version import Version
from notus.judge.cache import Answer, AnswerStore, model_slug
from notus.judge.client import ChatClient, ClientSettings, JudgeAbort
from notus.judge.items import JudgeRequest, Sampling, build, queued
from notus.judge.outcome import verdict_for
from notus.judge.plan import Plan, make_plan
from notus.judge.prompts import Template
from notus.verdicts.format import append

DEFAULT_VERDICTS_DIR = Path("data/verdicts")


@dataclass(frozen=True)
class Job:
    version: Version
    queue: str
    model: str
    template: Template
    sampling: Sampling
    verdicts_dir: Path = DEFAULT_VERDICTS_DIR
    cache_dir: Path = Path("data/judge/cache")

    @property
    def verdict_file(self) -> Path:
        return self.verdicts_dir / f"judge-{model_slug(self.model)}.jsonl"

    @property
    def store(self) -> AnswerStore:
        return AnswerStore(self.cache_dir, self.model)

    def requests(self) -> list[JudgeRequest]:
        return build(queued(self.version, self.queue), self.template, self.model, self.sampling)

    def plan(self, requests: list[JudgeRequest] | None = None) -> Plan:
        return make_plan(self.requests() if requests is None else requests, self.store.load(), self.verdicts_dir)


@dataclass
class Summary:
    plan: Plan
    sent: int = 0
    set_score: int = 0
    judge_failed: int = 0
    unanswered: list[str] = field(default_factory=list)  # why each request got no answer (asked again next run)
    left: int = 0  # requests not sent because of --max-requests
    retries: int = 0
    expected: int = 0  # verdicts this run should write (cached answers + the requests it sends)

    @property
    def verdicts(self) -> int:
        return self.set_score + self.judge_failed


Progress = Callable[[Summary], None]


class Recorder:
    """Stores answers and appends the verdicts they make, counting both."""

    def __init__(self, job: Job, summary: Summary, progress: Progress | None = None) -> None:
        self.job, self.summary, self.progress = job, summary, progress
        self.store = job.store

    def record(self, answer: Answer, group: list[JudgeRequest], *, store: bool) -> None:
        if store:
            self.store.put(answer)
        verdicts = [verdict_for(r, answer, version=self.job.version, model=self.job.model,
                                template_sha256=self.job.template.sha256) for r in group]
        append(self.job.verdict_file, verdicts)
        for v in verdicts:
            if v.action == "set_score":
                self.summary.set_score += 1
            else:
                self.summary.judge_failed += 1
        if self.progress is not None:
            self.progress(self.summary)

    def settle_cached(self, plan: Plan) -> None:
        for answer, group in plan.cached.values():
            self.record(answer, group, store=False)


def judge(job: Job, settings: ClientSettings, *, concurrency: int = 8, max_requests: int | None = None,
          progress: Progress | None = None) -> Summary:
    """Run the job against a server; JudgeAbort (exit 1) after keeping everything that arrived."""
    with job.store.locked():
        plan = job.plan()
        summary = Summary(plan)
        groups = list(plan.pending.items())
        if max_requests is not None:
            summary.left = max(0, len(groups) - max_requests)
            groups = groups[:max_requests]
        summary.expected = plan.from_cache + sum(len(group) for _, group in groups)
        recorder = Recorder(job, summary, progress)
        recorder.settle_cached(plan)
        if groups:
            asyncio.run(_send(groups, settings, concurrency, recorder))
        return summary


async def _send(groups: list[tuple[str, list[JudgeRequest]]], settings: ClientSettings, concurrency: int,
                recorder: Recorder) -> None:
    client = ChatClient(settings, concurrency)
    limit = asyncio.Semaphore(concurrency)
    summary = recorder.summary

    async def one(key: str, group: list[JudgeRequest]) -> None:
        async with limit:
            reply = await client.post(group[0].body)
        summary.sent += 1
        summary.retries = client.retries
        if reply.status is None:
            summary.unanswered.append(reply.body)
        else:
            recorder.record(Answer(key, reply.status, reply.body), group, store=True)

    try:
        async with asyncio.TaskGroup() as tasks:
            for key, group in groups:
                tasks.create_task(one(key, group))
    except BaseExceptionGroup as errors:
        aborts = errors.subgroup(JudgeAbort)
        if aborts is None:
            raise
        first = next(e for e in _leaves(aborts))
        raise JudgeAbort(f"{first} — stopped; the {summary.verdicts} verdict(s) written before are kept") from None
    finally:
        await client.close()


def _leaves(group: BaseExceptionGroup) -> list[BaseException]:
    out: list[BaseException] = []
    for e in group.exceptions:
        out += _leaves(e) if isinstance(e, BaseExceptionGroup) else [e]
    return out
