"""Judging without a live connection: write the pending requests as a batch file, import its results later.

WHY through the cache: importing stores each result as the answer to its request key (`custom_id`), then
settles cached answers exactly as a live run does, so a batch and a live run of the same job write the same
verdicts, and a job can mix the two (import what the batch answered, send the rest live).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from notus.judge.batch import read_results, write_batch
from notus.judge.run import Job, Recorder, Summary


@dataclass
class Imported:
    summary: Summary
    stored: int = 0  # new answers put in the cache
    known: int = 0  # results whose answer the cache already had
    unmatched: int = 0  # results for requests this job would not make (other queue, template, params)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (custom_id, why): not answered in the batch
    bad_lines: list[tuple[int, str]] = field(default_factory=list)


def batch_file(job: Job, path: Path, max_requests: int | None = None) -> tuple[Summary, list[Path]]:
    """Write the job's pending requests (one per request key) as Batch API lines; nothing is sent."""
    plan = job.plan()
    groups = list(plan.pending.values())
    summary = Summary(plan, left=max(0, len(groups) - max_requests) if max_requests is not None else 0)
    if max_requests is not None:
        groups = groups[:max_requests]
    return summary, write_batch(path, [group[0] for group in groups]) if groups else []


def import_batch(job: Job, path: Path) -> Imported:
    """Store a Batch API results file's answers, then write the verdicts every stored answer makes."""
    results = read_results(path)
    store = job.store
    with store.locked():
        answers = store.load()
        requests = job.requests()
        keys = {r.key for r in requests}
        imported = Imported(Summary(job.plan(requests)), failed=results.failed, bad_lines=results.bad_lines)
        for answer in results.answers:
            if answer.key not in keys:
                imported.unmatched += 1
            elif answer.key in answers:
                imported.known += 1
            else:
                store.put(answer)
                answers[answer.key] = answer
                imported.stored += 1
        imported.summary = Summary(job.plan(requests))
        Recorder(job, imported.summary).settle_cached(imported.summary.plan)
    return imported
