"""Request keys and the append-only answer store: what makes a judge run resumable and free to repeat.

WHY key on everything the answer depends on: the key is sha256 of the model, the template's sha256, the
rendered messages and the sampling params (temperature, max_tokens, response_format, seed). Same key → same
question, so a stored answer can stand in for a request; change any of them and it is a new question.

WHY one JSONL line per answer, written with one `write` on an O_APPEND descriptor and fsynced before the
verdict is written: a SIGKILL loses at most the requests still in flight; a line cut short by a crash is
skipped on reading (counted, never fatal) and the next append starts on a fresh line. A lock file held for
the whole run (flock, released by the kernel even on SIGKILL) keeps two runs from sending the same requests.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from notus.core.errors import UsageError

DEFAULT_CACHE_DIR = Path("data/judge/cache")


def request_key(model: str, template_sha256: str, messages: list[dict[str, str]], params: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of everything that decides the answer."""
    payload = {"model": model, "template_sha256": template_sha256, "messages": messages,
               "params": {k: params.get(k) for k in ("temperature", "max_tokens", "response_format", "seed")}}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def model_slug(model: str) -> str:
    """A file-name-safe form of a model name: `meta-llama/Llama-3-8B` -> `meta-llama-Llama-3-8B`."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", model).strip("-.") or "model"


@dataclass(frozen=True)
class Answer:
    """What a server said to one request: the HTTP status and the raw body text (`origin`: http | batch)."""

    key: str
    status: int
    body: str
    origin: str = "http"


class AnswerStore:
    """`<cache_dir>/<model-slug>.jsonl`: one answer per line, in arrival order."""

    def __init__(self, cache_dir: Path, model: str) -> None:
        self.path = cache_dir / f"{model_slug(model)}.jsonl"
        self.skipped = 0  # unreadable lines seen by load() (a line cut short by a crash)

    def load(self) -> dict[str, Answer]:
        answers: dict[str, Answer] = {}
        self.skipped = 0
        if not self.path.exists():
            return answers
        with open(self.path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                    answer = Answer(str(data["key"]), int(data["status"]), str(data["body"]),
                                    str(data.get("origin", "http")))
                except (ValueError, KeyError, TypeError):
                    self.skipped += 1
                    continue
                answers.setdefault(answer.key, answer)  # the first answer to a key is the one used
        return answers

    def put(self, answer: Answer) -> None:
        """Append one answer and fsync: when this returns, the answer survives a crash."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(answer), ensure_ascii=False) + "\n"
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = "\n" + line  # the previous writer died mid-line: never glue onto its fragment
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold `<store>.lock` for a run; a second run for the same model is refused with one line."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = self.path.with_suffix(".lock")
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise UsageError(f"another `notus judge` run for this model holds {lock}; wait for it to finish") \
                    from None
            yield
        finally:
            os.close(fd)
