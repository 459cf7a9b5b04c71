"""Offline batches: the OpenAI Batch API input file (which `vllm run-batch` also takes) and its results.

WHY `custom_id` = the request key: the results file then names each request exactly as the cache does, so
importing it is "store these answers", after which the ordinary run turns cached answers into verdicts
through the same parser. A result for a request this job would not make (another queue, template or model)
is counted and left out. Lines: input `{"custom_id", "method": "POST", "url": "/v1/chat/completions",
"body"}`; output `{"id", "custom_id", "response": {"status_code", "body"}, "error"}`. The Batch API takes at
most 50,000 requests and 200 MB per file, so a larger batch is written as numbered parts.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from notus.core.errors import DataError, UsageError
from notus.judge.cache import Answer
from notus.judge.client import transient
from notus.judge.items import JudgeRequest

BATCH_URL = "/v1/chat/completions"
MAX_LINES = 50_000
MAX_BYTES = 200 * 1000 * 1000


def part_path(path: Path, number: int) -> Path:
    return path if number == 1 else path.with_name(f"{path.stem}-part{number}{path.suffix}")


def write_batch(path: Path, requests: list[JudgeRequest]) -> list[Path]:
    """Write the requests as Batch API lines (numbered parts beyond the limits); return the files written."""
    parts: list[list[str]] = [[]]
    size = 0
    for request in requests:
        line = json.dumps({"custom_id": request.key, "method": "POST", "url": BATCH_URL, "body": request.body},
                          ensure_ascii=False) + "\n"
        if parts[-1] and (len(parts[-1]) >= MAX_LINES or size + len(line.encode()) > MAX_BYTES):
            parts.append([])
            size = 0
        parts[-1].append(line)
        size += len(line.encode())
    written = []
    for number, lines in enumerate(parts, start=1):
        target = part_path(path, number)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".tmp-{target.name}")
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.writelines(lines)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(target)
        written.append(target)
    return written


@dataclass
class BatchResults:
    answers: list[Answer] = field(default_factory=list)  # answers to keep (2xx, or a 4xx of the request's own)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (custom_id, why): no answer; asked again later
    bad_lines: list[tuple[int, str]] = field(default_factory=list)  # (line number, what is wrong)


def read_results(path: Path) -> BatchResults:
    """Parse a Batch API output (or error) file; malformed lines are listed, never fatal unless all are."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--import-batch {path}: cannot read it ({exc})") from None
    results = BatchResults()
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            problem = _read_line(line, results)
            if problem:
                results.bad_lines.append((number, problem))
    if results.bad_lines and not (results.answers or results.failed):
        line, problem = results.bad_lines[0]
        raise DataError(f"{path}: not a Batch API results file (line {line}: {problem})")
    return results


def _read_line(line: str, results: BatchResults) -> str | None:
    try:
        data = json.loads(line)
    except ValueError:
        return "not JSON"
    if not isinstance(data, dict) or not isinstance(data.get("custom_id"), str):
        return "no custom_id"
    key, response, error = data["custom_id"], data.get("response"), data.get("error")
    if isinstance(response, dict) and isinstance(response.get("status_code"), int):
        status, body = response["status_code"], response.get("body")
        if transient(status):
            results.failed.append((key, f"HTTP {status}"))
        else:
            results.answers.append(Answer(key, status, body if isinstance(body, str) else json.dumps(body),
                                          origin="batch"))
        return None
    if error:
        why = f"{error.get('code')}: {error.get('message')}" if isinstance(error, dict) else str(error)
        results.failed.append((key, why))
        return None
    return "neither a response nor an error"
