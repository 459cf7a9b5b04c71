"""The HTTP client for any OpenAI-compatible chat-completions server (vLLM, TGI, llama.cpp, Ollama, OpenAI).

WHY httpx (as `httpx2`) and not the `openai` package: the judge needs the raw body of every answer (it is
kept in the cache and in `judge_failed` verdicts), its own retry policy (which statuses are worth retrying,
Retry-After as seconds, milliseconds or an HTTP date, a cap on how long a server may ask us to wait, bounded
attempts with jittered exponential backoff), separate connect and read timeouts on every request, and the
same behaviour against servers that implement the protocol loosely. The `openai` client hides the raw body
behind typed objects, retries on its own terms (its own Retry-After cap and backoff) and brings a dependency
tree for one POST. `httpx2` is httpx's maintained successor with the same API, and already in the dependency
set (huggingface_hub 2 talks through it), so the judge adds no second HTTP stack.

Outcomes of `post`: a `Reply` with a status (2xx, or a 4xx that is this request's own problem, such as a
prompt too long: asking again would get the same answer); a `Reply` without one when no answer came after
every attempt (timeouts, dropped connections, 429/5xx): it is not cached, and the next run asks again; or
`JudgeAbort` when asking any further request is pointless (connection refused on every attempt, 401/403/404:
a wrong endpoint, model or key).
The API key goes into the Authorization header only; `scrub` removes it from anything kept or printed.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2

from notus.core.errors import DataError, UsageError

TRANSIENT = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
FATAL = {401: "the server refused the API key (--api-key-env)", 403: "the API key may not use this model",
         404: "no such endpoint or model (check --endpoint, e.g. http://127.0.0.1:8000/v1, and --model)"}


class JudgeAbort(DataError):
    """The server cannot answer any request as configured; the run stops, keeping what it has."""


@dataclass(frozen=True)
class ClientSettings:
    endpoint: str
    api_key: str | None = field(default=None, repr=False)
    connect_timeout: float = 10.0
    read_timeout: float = 120.0
    max_attempts: int = 5
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    max_wait: float = 300.0  # the longest Retry-After honoured; a longer one gives the request up

    def check(self) -> ClientSettings:
        url = httpx2.URL(self.endpoint) if "://" in self.endpoint else None
        if url is None or url.scheme not in ("http", "https") or not url.host:
            raise UsageError(f"--endpoint {self.endpoint!r}: expected an http(s) URL such as http://127.0.0.1:8000/v1")
        if self.max_attempts < 1 or self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise UsageError("--max-attempts must be >= 1 and timeouts > 0")
        return self


@dataclass(frozen=True)
class Reply:
    status: int | None  # None: no HTTP answer at all (then `body` says why)
    body: str
    headers: dict[str, str] = field(default_factory=dict)
    refused: bool = False  # the connection itself was refused

    @property
    def answered(self) -> bool:
        return self.status is not None


Sleep = Callable[[float], Awaitable[None]]


class ChatClient:
    def __init__(self, settings: ClientSettings, concurrency: int, *, sleep: Sleep = asyncio.sleep,
                 rng: random.Random | None = None) -> None:
        self.settings = settings.check()
        self.sleep, self.rng = sleep, rng or random.Random()
        self.retries = 0  # attempts beyond the first, over the run
        headers = {"Content-Type": "application/json"}
        if settings.api_key:
            headers["Authorization"] = f"Bearer {settings.api_key}"
        self._http = httpx2.AsyncClient(
            headers=headers, timeout=httpx2.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            limits=httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency))
        self._url = settings.endpoint.rstrip("/") + "/chat/completions"

    async def close(self) -> None:
        await self._http.aclose()

    def scrub(self, text: str) -> str:
        key = self.settings.api_key
        return text.replace(key, "***") if key else text

    async def post(self, body: dict[str, Any]) -> Reply:
        """The answer (`status` set, `body` the raw text), or `status` None and `body` saying why none came
        after every attempt. JudgeAbort when no request can succeed as configured."""
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        for attempt in range(1, self.settings.max_attempts + 1):
            reply = await self._attempt(payload)
            if reply.status is not None and not transient(reply.status):
                if reply.status in FATAL:
                    raise JudgeAbort(f"HTTP {reply.status} from {self._url}: {FATAL[reply.status]}: "
                                     f"{self.scrub(reply.body)[:200]}")
                return Reply(reply.status, self.scrub(reply.body))
            problem = f"HTTP {reply.status}" if reply.status is not None else reply.body
            if attempt == self.settings.max_attempts:
                if reply.refused:
                    raise JudgeAbort(f"cannot connect to {self._url} ({reply.body}) after {attempt} attempt(s)")
                break
            wait = retry_after(reply.headers)
            if wait is not None and wait > self.settings.max_wait:
                problem += f"; the server asked to wait {wait:.0f} s, more than --max-wait"
                break
            if wait is None:
                ceiling = min(self.settings.backoff_max, self.settings.backoff_base * 2 ** (attempt - 1))
                wait = ceiling / 2 + self.rng.uniform(0, ceiling / 2)  # "equal jitter": grows, never in step
            self.retries += 1
            await self.sleep(wait)
        return Reply(None, self.scrub(f"no answer after {attempt} attempt(s): {problem}"))

    async def _attempt(self, payload: bytes) -> Reply:
        try:
            response = await self._http.post(self._url, content=payload)
        except httpx2.ConnectError as exc:
            return Reply(None, f"{type(exc).__name__}: {exc}", refused=True)
        except httpx2.TimeoutException as exc:
            return Reply(None, f"timed out ({type(exc).__name__})")
        except httpx2.TransportError as exc:  # the connection dropped mid-answer, a malformed response
            return Reply(None, f"connection failed ({type(exc).__name__}: {exc})")
        return Reply(response.status_code, response.text, dict(response.headers))


def transient(status: int) -> bool:
    """Worth asking again: rate limits, timeouts, conflicts and every server error."""
    return status in TRANSIENT or status >= 500


def retry_after(headers: dict[str, str]) -> float | None:
    """Seconds to wait from `retry-after-ms`, or `Retry-After` as seconds or an HTTP date; None if absent."""
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        if "retry-after-ms" in lower:
            return max(0.0, float(lower["retry-after-ms"]) / 1000)
        value = lower.get("retry-after", "").strip()
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - time.time())
    except (ValueError, TypeError, OverflowError):
        return None
