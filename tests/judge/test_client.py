"""The chat-completions client against a real loopback server: retries, Retry-After, timeouts, dropped
connections, the answers it keeps and the ones that stop a run. Waits go through an injected sleep that
records them, so the policy is checked by value, never by timing."""

from __future__ import annotations

import asyncio
import email.utils
import random
import socket
import time
from typing import Any

import pytest

from notus.judge.client import ChatClient, ClientSettings, JudgeAbort, Reply, retry_after
from tests.support.llm_server import Drop, Hang, LLMServer, chat
from tests.support.llm_server import Reply as Say

BODY = {"model": "m", "messages": [{"role": "user", "content": "Rate this."}], "temperature": 0}


class Clock:
    """Records every wait the client asks for, and waits no time."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


def post(url: str, clock: Clock | None = None, **settings: Any) -> Reply:
    async def go() -> Reply:
        client = ChatClient(ClientSettings(url, **settings), 2, sleep=clock or Clock(), rng=random.Random(1))
        try:
            return await client.post(BODY)
        finally:
            await client.close()
    return asyncio.run(go())


def scripted(*actions: Any) -> LLMServer:
    """A server answering the n-th attempt with actions[n-1] (the last one from then on)."""
    return LLMServer(lambda call, attempt: actions[min(attempt, len(actions)) - 1])


OK = Say(json=chat("Rating: 7\nRationale: fine"))


def test_a_well_formed_answer_comes_back_raw_with_the_key_as_bearer() -> None:
    with LLMServer() as server:
        reply = post(server.url, api_key="sk-test-123")
        (call,) = server.chat_calls()
    assert reply.status == 200 and '"choices"' in reply.body and "Rating:" in reply.body
    assert call.path == "/v1/chat/completions" and call.body == BODY
    assert call.headers["Authorization"] == "Bearer sk-test-123"


@pytest.mark.parametrize(("headers", "wait"), [
    ({"Retry-After": "7"}, 7.0),
    ({"Retry-After": "0"}, 0.0),
    ({"retry-after-ms": "1500"}, 1.5),
])
def test_429_waits_what_retry_after_says_then_retries(headers: dict[str, str], wait: float) -> None:
    clock = Clock()
    with scripted(Say(429, json={"error": {"message": "slow down"}}, headers=headers), OK) as server:
        reply = post(server.url, clock)
        assert len(server.chat_calls()) == 2
    assert reply.status == 200 and clock.waits == [wait]


def test_retry_after_as_an_http_date() -> None:
    later = email.utils.formatdate(time.time() + 120, usegmt=True)
    clock = Clock()
    with scripted(Say(503, json={"error": "busy"}, headers={"Retry-After": later}), OK) as server:
        assert post(server.url, clock).status == 200
    assert len(clock.waits) == 1 and 100 < clock.waits[0] <= 121
    assert retry_after({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # a past date: go now
    assert retry_after({"Retry-After": "soon"}) is None and retry_after({}) is None


def test_5xx_backs_off_exponentially_with_jitter_and_gives_up_after_max_attempts() -> None:
    clock = Clock()
    with scripted(Say(500, text="internal error")) as server:
        reply = post(server.url, clock, max_attempts=4, backoff_base=2.0, backoff_max=5.0)
        assert len(server.chat_calls()) == 4
    assert reply.status is None and reply.body == "no answer after 4 attempt(s): HTTP 500"
    assert len(clock.waits) == 3
    for wait, ceiling in zip(clock.waits, (2.0, 4.0, 5.0), strict=True):  # base * 2^k, capped at backoff_max
        assert ceiling / 2 <= wait <= ceiling


def test_a_retry_after_beyond_max_wait_gives_the_request_up() -> None:
    clock = Clock()
    with scripted(Say(429, json={}, headers={"Retry-After": "3600"})) as server:
        reply = post(server.url, clock, max_wait=60)
        assert len(server.chat_calls()) == 1
    assert reply.status is None and "asked to wait 3600 s, more than --max-wait" in reply.body
    assert clock.waits == []


def test_a_server_that_never_answers_times_out_on_every_attempt() -> None:
    with LLMServer(lambda call, attempt: Hang()) as server:
        reply = post(server.url, read_timeout=0.3, max_attempts=2)
        assert len(server.chat_calls()) == 2
    assert reply.status is None and "timed out (ReadTimeout)" in reply.body


def test_a_connection_dropped_mid_answer_is_retried() -> None:
    with scripted(Drop(), OK) as server:
        reply = post(server.url)
        assert len(server.chat_calls()) == 2
    assert reply.status == 200


def test_a_connection_always_dropped_ends_without_an_answer() -> None:
    with LLMServer(lambda call, attempt: Drop()) as server:
        reply = post(server.url, max_attempts=3)
    assert reply.status is None and "connection failed (RemoteProtocolError" in reply.body


def test_a_4xx_about_this_request_is_an_answer_not_retried() -> None:
    with scripted(Say(400, json={"error": {"message": "prompt is too long"}})) as server:
        reply = post(server.url)
        assert len(server.chat_calls()) == 1
    assert reply.status == 400 and "prompt is too long" in reply.body


@pytest.mark.parametrize(("status", "message"), [
    (401, "refused the API key"), (403, "may not use this model"), (404, "no such endpoint or model")])
def test_a_refusal_of_the_whole_job_aborts(status: int, message: str) -> None:
    with scripted(Say(status, json={"error": {"message": "key sk-secret-9 is invalid"}})) as server, \
            pytest.raises(JudgeAbort, match=message) as err:
        post(server.url, api_key="sk-secret-9")
    assert "sk-secret-9" not in str(err.value) and "key *** is invalid" in str(err.value)


def test_nothing_listening_aborts_after_the_attempts() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the client connects: nothing listens there
    clock = Clock()
    with pytest.raises(JudgeAbort, match="cannot connect"):
        post(f"http://127.0.0.1:{port}/v1", clock, max_attempts=3)
    assert len(clock.waits) == 2


@pytest.mark.parametrize("endpoint", ["127.0.0.1:8000/v1", "ftp://host/v1", "http://"])
def test_an_endpoint_that_is_not_an_http_url_is_a_usage_error(endpoint: str) -> None:
    from notus.core.errors import UsageError
    with pytest.raises(UsageError, match="--endpoint"):
        ClientSettings(endpoint).check()


def test_the_key_is_not_in_the_settings_repr() -> None:
    assert "sk-hidden" not in repr(ClientSettings("http://127.0.0.1:1/v1", api_key="sk-hidden"))



def test_a_key_over_plain_http_to_another_machine_is_warned_about() -> None:
    from notus.judge.messages import plain_http_warning

    assert plain_http_warning(ClientSettings("http://10.1.2.3:8000/v1", api_key="k")) == (
        "notus: warning: the API key is sent unencrypted (plain http) to 10.1.2.3")
    for quiet in (ClientSettings("http://127.0.0.1:8000/v1", api_key="k"),
                  ClientSettings("http://localhost:8000/v1", api_key="k"),
                  ClientSettings("https://api.openai.com/v1", api_key="k"),
                  ClientSettings("http://10.1.2.3:8000/v1")):
        assert plain_http_warning(quiet) is None
