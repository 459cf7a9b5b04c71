"""What `notus judge` says: the plan, the cost estimate, the outcome, as lines for the terminal.

WHY a module of its own: the numbers a user acts on (requests, estimated tokens, what was written where,
what is left for the next run) read the same from a live run, a dry run, a batch file and an import. No line
ever holds the API key or the endpoint's credentials (only its host is named).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import TextIO

from notus.judge.client import ClientSettings
from notus.judge.offline import Imported
from notus.judge.plan import ESTIMATOR, Plan
from notus.judge.run import Job, Summary


def _queue_line(job: Job, plan: Plan) -> list[str]:
    v = job.version
    lines = [f"judge {job.model} · template {job.template.name} ({job.template.sha256[:12]}) · queue {job.queue} of "
             f"{v.pipeline}/{v.version_id}: {plan.queued:,} completion(s)"]
    if plan.queued == 0 and job.queue == "review_needed" and not v.params.get("repair"):
        lines.append("  review_needed is set only by a build with repair=true: "
                     f"notus run pipelines/{v.pipeline}.yaml --set repair=true")
    lines.append(f"  already judged: {plan.done:,} · answered in the cache: {plan.from_cache:,} · "
                 f"requests to send: {len(plan.pending):,}")
    return lines


def _capped(plan: Plan, max_requests: int | None) -> int:
    return len(plan.pending) if max_requests is None else min(max_requests, len(plan.pending))


def dry_run(job: Job, plan: Plan, max_requests: int | None) -> list[str]:
    n = _capped(plan, max_requests)
    cap = f" (--max-requests {max_requests} of {len(plan.pending):,})" if n < len(plan.pending) else ""
    return [*_queue_line(job, plan),
            f"  would send {n:,} request(s){cap}",
            f"  estimated prompt tokens: {plan.tokens(n):,} ({ESTIMATOR})",
            f"  answer tokens: at most {n * job.sampling.max_tokens:,} (--max-tokens {job.sampling.max_tokens} "
            "per request)",
            "  dry run: nothing was sent or written"]


def batch_written(job: Job, summary: Summary, files: list[Path]) -> list[str]:
    n = len(summary.plan.pending) - summary.left
    written = ", ".join(str(f) for f in files) or "nothing (no pending request)"
    lines = [*_queue_line(job, summary.plan), f"  batch of {n:,} request(s) written to {written}",
             f"  estimated prompt tokens: {summary.plan.tokens(n):,} ({ESTIMATOR})"]
    if files:
        lines.append(f"  then: notus judge {job.version.path} --queue {job.queue} --model {job.model} "
                     "--import-batch RESULTS.jsonl (with the same --template and sampling options)")
    return lines


def _outcome(job: Job, summary: Summary) -> list[str]:
    lines = [f"  verdicts written: {summary.set_score:,} set_score, {summary.judge_failed:,} judge_failed -> "
             f"{job.verdict_file}"]
    if summary.left:
        lines.append(f"  left for the next run (--max-requests): {summary.left:,} request(s)")
    return lines


def judged(job: Job, summary: Summary) -> list[str]:
    answered = summary.sent - len(summary.unanswered)
    return [*_queue_line(job, summary.plan),
            f"  sent {summary.sent:,} request(s): {answered:,} answered, {len(summary.unanswered):,} without an "
            f"answer, {summary.retries:,} retried attempt(s)", *_outcome(job, summary)]


def imported(job: Job, result: Imported) -> list[str]:
    lines = [*_queue_line(job, result.summary),
             f"  batch results: {result.stored:,} stored, {result.known:,} already in the cache, "
             f"{result.unmatched:,} for requests this job does not make (other queue, template, model or options), "
             f"{len(result.failed):,} without an answer, {len(result.bad_lines):,} unreadable line(s)",
             *_outcome(job, result.summary)]
    lines += [f"  line {n}: {why}" for n, why in result.bad_lines[:5]]
    if result.failed:
        lines.append(f"  {len(result.failed):,} request(s) failed in the batch (first: {result.failed[0][1]}); "
                     "send them live or in a new --batch-file")
    if result.summary.plan.pending:
        lines.append(f"  {len(result.summary.plan.pending):,} request(s) of this job still have no answer")
    return lines


def plain_http_warning(settings: ClientSettings) -> str | None:
    """A warning when an API key would travel unencrypted to a host that is not this machine."""
    from httpx2 import URL

    host = URL(settings.endpoint).host
    try:
        local = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = False
    if settings.api_key and URL(settings.endpoint).scheme == "http" and not local:
        return f"notus: warning: the API key is sent unencrypted (plain http) to {host}"
    return None


class Ticker:
    """A progress line on stderr every 10 % of the verdicts (counted, never timed)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = 0

    def __call__(self, summary: Summary) -> None:
        total = summary.expected
        step = max(1, -(-total // 10))
        if summary.verdicts // step > self.shown // step or summary.verdicts == total:
            self.shown = summary.verdicts
            self.stream.write(f"  judged {summary.verdicts:,}/{total:,}: {summary.set_score:,} set_score, "
                              f"{summary.judge_failed:,} judge_failed, {summary.retries:,} retries\n")
            self.stream.flush()
