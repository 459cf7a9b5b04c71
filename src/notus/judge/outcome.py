"""A stored answer -> the verdict it makes: `set_score` with the judge's rating, or `judge_failed` saying why not.

WHY every answer makes a verdict line: the verdict file is the record of what the judge was asked and said.
A rating becomes `set_score` (the pipelines' application step puts it in `completions.fixed_overall_score`
unless a person decided otherwise); an answer that gives no usable rating (unparsable, off the scale, empty,
a refusal, an HTTP 4xx specific to the request) becomes `judge_failed` with the raw text, which changes
nothing but keeps the completion visible as still undecided.
"""

from __future__ import annotations

import json
from typing import Any

from notus.core.version import Version
from notus.judge.cache import Answer
from notus.judge.items import JudgeRequest
from notus.judge.parse import Parsed, parse_answer
from notus.verdicts.format import Verdict, now

NOTE_CHARS = 1_000  # the rationale excerpt a reviewer sees in the note; the whole text is in judge.rationale


def content_of(answer: Answer) -> tuple[str | None, str | None]:
    """(message content, None) of a chat-completions answer, or (None, why there is none)."""
    if not 200 <= answer.status < 300:
        return None, f"HTTP {answer.status}: the server refused this request"
    try:
        data = json.loads(answer.body)
        choice = data["choices"][0]
        message = choice["message"]
    except (ValueError, KeyError, IndexError, TypeError):
        return None, "not a chat-completions answer (no choices[0].message)"
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, list):  # content parts: [{"type": "text", "text": ...}]
        content = "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    if not content and isinstance(message, dict) and message.get("refusal"):
        return None, f"the model refused: {message['refusal']}"
    if not isinstance(content, str) or not content.strip():
        truncated = choice.get("finish_reason") == "length" if isinstance(choice, dict) else False
        return None, "empty answer" + (" (cut at max_tokens: raise --max-tokens)" if truncated else "")
    return content, None


def verdict_for(request: JudgeRequest, answer: Answer, *, version: Version, model: str,
                template_sha256: str) -> Verdict:
    content, problem = content_of(answer)
    parsed = parse_answer(content) if content is not None else Parsed(None, None, problem)
    judge: dict[str, Any] = {"model": model, "template_sha256": template_sha256, "rating": parsed.rating,
                             "rationale": parsed.rationale, "raw": content if content is not None else answer.body,
                             "request_key": request.key}
    t = request.target
    common = {"prompt_id": t.prompt_id, "completion_index": t.completion_index, "response_sha256": t.response_sha256,
              "author": f"judge:{model}", "created_at": now(), "version_id": version.version_id,
              "pipeline": version.pipeline, "judge": judge}
    if parsed.ok:
        rationale = parsed.rationale or ""
        note = rationale if len(rationale) <= NOTE_CHARS else rationale[: NOTE_CHARS - 1] + "…"
        return Verdict(action="set_score", score=float(parsed.rating or 0), note=note, **common).check()
    return Verdict(action="judge_failed", note=str(parsed.error), **common).check()
