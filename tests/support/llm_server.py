"""A loopback OpenAI-compatible chat-completions server, for testing clients of vLLM, TGI, llama.cpp, Ollama
or OpenAI without any of them.

No inference server or model is reachable from the test machines, so the tests run the real client (HTTP,
timeouts, retries, concurrency) against a real HTTP/1.1 server on 127.0.0.1 in a thread. What it answers is
a `behaviour`: a function of the request (and how many times this exact body was seen) returning an action:

    Reply(status, json=..., text=..., headers=...)   any answer (chat(...) builds a chat.completion body)
    Hang()                                           hold the request, never answer (until stop())
    Drop()                                           send the status line and half a body, close the socket

The default behaviour is a deterministic "judge": a rating from a hash of the user message, answered as
`Rating: N` / `Rationale: ...` text, or as JSON when the request carries a `response_format`. Every request
is recorded (path, headers, JSON body), and the largest number in flight at once is kept.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Call:
    path: str
    headers: dict[str, str]
    body: Any  # the parsed JSON body (None when it was not JSON)


@dataclass(frozen=True)
class Reply:
    status: int = 200
    json: Any = None
    text: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Hang:
    """Never answer; the connection stays open until the server stops."""


@dataclass(frozen=True)
class Drop:
    """Answer 200 with a Content-Length, send half of it, then close the socket."""


Action = Reply | Hang | Drop
Behaviour = Callable[[Call, int], Action]


def chat(content: str | None, *, model: str = "loopback-judge", finish_reason: str = "stop") -> dict[str, Any]:
    """A chat.completion body as OpenAI and vLLM return it."""
    return {"id": "chatcmpl-loopback", "object": "chat.completion", "created": 1_700_000_000, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": finish_reason}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}


def user_text(call: Call) -> str:
    return next((m["content"] for m in call.body.get("messages", []) if m.get("role") == "user"), "")


def hashed_rating(call: Call) -> int:
    return 1 + int(hashlib.sha256(user_text(call).encode()).hexdigest(), 16) % 10


def judge(call: Call, attempt: int) -> Action:
    """The default behaviour: a rating from a hash of the user message, in the format asked for."""
    rating = hashed_rating(call)
    if call.body.get("response_format"):
        return Reply(json=chat(json.dumps({"rating": rating, "rationale": f"hashed rating {rating}"})))
    return Reply(json=chat(f"Rating: {rating}\nRationale: hashed rating {rating}, loopback judge."))


class LLMServer:
    def __init__(self, behaviour: Behaviour = judge) -> None:
        self.behaviour = behaviour
        self.calls: list[Call] = []
        self.seen: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> LLMServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def chat_calls(self) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.path.endswith("/chat/completions")]

    def wait_in_flight(self, n: int, timeout: float = 10.0) -> bool:
        """Wait until at least n requests are held at once (for tests that act while requests are open)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.in_flight >= n:
                return True
            time.sleep(0.01)
        return False

    def _act(self, handler: BaseHTTPRequestHandler, call: Call) -> None:
        with self.lock:
            self.calls.append(call)
            key = json.dumps(call.body, sort_keys=True)
            self.seen[key] += 1
            attempt = self.seen[key]
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if not call.path.endswith("/chat/completions"):
                action: Action = Reply(404, json={"error": {"message": f"no route {call.path}"}})
            else:
                action = self.behaviour(call, attempt)
            _perform(handler, action, self.stopping)
        finally:
            with self.lock:
                self.in_flight -= 1


def _perform(handler: BaseHTTPRequestHandler, action: Action, stopping: threading.Event) -> None:
    if isinstance(action, Hang):
        stopping.wait(120)
        handler.close_connection = True
        return
    if isinstance(action, Drop):
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"
        handler.wfile.write(head + b'{"id": "chatcmpl-')
        handler.wfile.flush()
        handler.connection.shutdown(socket.SHUT_RDWR)
        handler.close_connection = True
        return
    data = (action.text if action.text is not None else json.dumps(action.json)).encode()
    handler.send_response(action.status)
    handler.send_header("Content-Type", "application/json" if action.text is None else "text/plain")
    handler.send_header("Content-Length", str(len(data)))
    for name, value in action.headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(data)


def _handler(server: LLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            server._act(self, Call(self.path, dict(self.headers.items()), body))

        def do_GET(self) -> None:
            server._act(self, Call(self.path, dict(self.headers.items()), None))

    return Handler
