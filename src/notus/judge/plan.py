"""Which queued completions still need a request, which a stored answer settles, and what the rest costs.

WHY dedupe on the request key: two completions with the same messages (an exact duplicate record) are one
question; it is asked once and its answer makes a verdict for each. WHY skip on (request_key, completion):
a completion that already has a verdict line from this exact request is done, so rerunning a finished run
sends nothing and writes nothing.

The cost estimate is characters / 4 per message plus 4 tokens of chat framing per message and 3 for the
reply's start (OpenAI's rule of thumb for English; code and non-Latin scripts take more tokens per
character). No tokenizer is used: none is available offline (tiktoken downloads its vocabulary files on first
use, and the judge's own tokenizer is whatever the server runs), so the figure is an estimate, said as one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from notus.judge.cache import Answer
from notus.judge.items import JudgeRequest
from notus.verdicts.format import Verdict, read

CHARS_PER_TOKEN = 4
TOKENS_PER_MESSAGE = 4
TOKENS_PER_REPLY = 3
ESTIMATOR = f"an estimate: characters / {CHARS_PER_TOKEN} + {TOKENS_PER_MESSAGE} per message + {TOKENS_PER_REPLY}; " \
            "no tokenizer is available offline"


def prompt_tokens(messages: Iterable[dict[str, str]]) -> int:
    """Estimated prompt tokens of one request (see the module docstring)."""
    return TOKENS_PER_REPLY + sum(math.ceil(len(m["content"]) / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE
                                  for m in messages)


def judged(verdicts_dir: Path) -> set[tuple[str, str, int | None, str | None]]:
    """(request_key, prompt_id, completion_index, response_sha256) of every judge verdict already written."""
    done: set[tuple[str, str, int | None, str | None]] = set()
    if not verdicts_dir.is_dir():
        return done
    for path in sorted(verdicts_dir.glob("*.jsonl")):
        for _, verdict in read(path):
            if isinstance(verdict, Verdict) and verdict.judge and verdict.judge.get("request_key"):
                done.add((str(verdict.judge["request_key"]), verdict.prompt_id, verdict.completion_index,
                          verdict.response_sha256))
    return done


@dataclass
class Plan:
    queued: int = 0
    done: int = 0  # completions with a verdict from this exact request already
    cached: dict[str, tuple[Answer, list[JudgeRequest]]] = field(default_factory=dict)  # answered, no verdict
    pending: dict[str, list[JudgeRequest]] = field(default_factory=dict)  # key -> the completions it decides

    @property
    def from_cache(self) -> int:
        return sum(len(group) for _, group in self.cached.values())

    def tokens(self, limit: int | None = None) -> int:
        groups = list(self.pending.values())[:limit]
        return sum(prompt_tokens(group[0].messages) for group in groups)


def make_plan(requests: list[JudgeRequest], answers: dict[str, Answer], verdicts_dir: Path) -> Plan:
    done = judged(verdicts_dir)
    plan = Plan(queued=len(requests))
    for request in requests:
        t = request.target
        if (request.key, t.prompt_id, t.completion_index, t.response_sha256) in done:
            plan.done += 1
        elif request.key in answers:
            plan.cached.setdefault(request.key, (answers[request.key], []))[1].append(request)
        else:
            plan.pending.setdefault(request.key, []).append(request)
    return plan
