"""Talking to the Hub: the token, an HTTP client that gives up, and one-line messages for what goes wrong.

huggingface_hub 2.x sends everything through one shared httpx2 client created with `timeout=None`, so a
server that accepts the connection and never answers hangs an upload forever. Publishing therefore installs
(for its duration only) a client factory whose clients bound every request's timeouts (several library calls
pass `timeout=None` per request, so a client default alone still hangs), and switches the Xet transfer off: Xet
uploads run in hf_xet's own Rust HTTP stack, which this timeout does not reach and a loopback test server
cannot speak; plain LFS uploads are accepted by the Hub and stay on the client we control.

The token comes from where every Hugging Face tool looks (HF_TOKEN, then the `hf auth login` cache) and only
ever travels in the Authorization header: no message, log line or file written here contains it. Errors are
turned into a `DataError` naming the endpoint, the repo and what to do, instead of a page of traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import httpx2
from huggingface_hub import HfApi, constants, get_token
from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

from notus import __version__
from notus.core.errors import DataError, NotusError, UsageError, first_line
from notus.hub.client import bounded_hub_requests

DEFAULT_TIMEOUT = 60.0  # seconds without progress on one request (connect, send, or wait for an answer)


def resolve_token() -> str:
    token = get_token()
    if not token:
        raise UsageError(
            "no Hugging Face token: set HF_TOKEN or run `hf auth login` (the token needs write access)"
        )
    return token


def default_endpoint() -> str:
    """HF_ENDPOINT as set now (huggingface_hub read it once, at import), else the public Hub."""
    return (os.environ.get("HF_ENDPOINT") or constants.ENDPOINT).rstrip("/")


@contextmanager
def hub_session(endpoint: str, token: str, repo_id: str, timeout: float = DEFAULT_TIMEOUT) -> Iterator[HfApi]:
    """An `HfApi` for `endpoint` whose requests time out, with Hub errors turned into one-line DataErrors."""
    if not endpoint.startswith(("http://", "https://")):
        raise UsageError(f"--endpoint must be an http(s) URL, got '{endpoint}'")
    if timeout <= 0:
        raise UsageError(f"--timeout must be positive, got {timeout}")
    with bounded_hub_requests(timeout), hub_errors(endpoint, repo_id, timeout):
        yield HfApi(endpoint=endpoint, token=token, library_name="notus", library_version=__version__)


@contextmanager
def hub_errors(endpoint: str, repo_id: str, timeout: float) -> Iterator[None]:
    try:
        yield
    except NotusError:
        raise
    except Exception as exc:
        message = describe_hub_error(exc, endpoint, repo_id, timeout)
        if message is None:
            raise
        raise DataError(message) from exc


def describe_hub_error(exc: BaseException, endpoint: str, repo_id: str, timeout: float) -> str | None:
    """A one-line explanation of a failed Hub call, or None when `exc` is not one (a bug: let it show).

    huggingface_hub wraps transfer errors (e.g. an LFS upload inside a RuntimeError), so the cause chain is
    searched for the first error that says what happened.
    """
    for err in _causes(exc):
        if isinstance(err, OfflineModeIsEnabled):
            return "HF_HUB_OFFLINE is set: publishing needs the network; unset HF_HUB_OFFLINE to publish"
        if isinstance(err, httpx2.TimeoutException):
            return (f"no answer from {endpoint} within {timeout:g}s ({type(err).__name__}): the Hub or the "
                    "network is down or overloaded; retry later or raise --timeout")
        if isinstance(err, (httpx2.ConnectError, httpx2.NetworkError, httpx2.RemoteProtocolError, httpx2.ProxyError)):
            reason = _first_line(str(err)) or type(err).__name__
            return f"cannot reach {endpoint} ({reason}): network down or wrong --endpoint"
        if isinstance(err, HfHubHTTPError) and err.response is not None:
            return _describe_status(err, endpoint, repo_id)
        if isinstance(err, ValueError) and "Invalid metadata in README.md" in str(err):
            return f"{endpoint} rejected the dataset card's metadata: {_first_line(str(err).split(chr(10), 1)[-1])}"
    return None


def _describe_status(err: HfHubHTTPError, endpoint: str, repo_id: str) -> str:
    response = err.response
    status = response.status_code
    request = f"{response.request.method} {response.request.url.path}" if response.request is not None else ""
    detail = _first_line(err.server_message or "")
    code = response.headers.get("X-Error-Code", "")
    if status == 401:
        return (f"{endpoint} refused the token (401 Unauthorized): it is invalid or expired; set HF_TOKEN or run "
                "`hf auth login` with a token that has write access")
    if status == 403:
        namespace = repo_id.split("/")[0]
        return (f"{endpoint} refused access to {repo_id} (403 Forbidden): the token may not write to "
                f"'{namespace}'" + (f" ({detail})" if detail else ""))
    if status == 404 and code == "RevisionNotFound":
        return f"{repo_id}: revision not found at {endpoint} (404, {request})"
    if status == 404:
        return (f"dataset repo {repo_id} not found at {endpoint} (404, {request})" + (f": {detail}" if detail else "")
                + "; check --repo-id, --endpoint and the token's access")
    if status == 412:
        return f"{repo_id}: the main branch moved while publishing (412); run the command again"
    if status >= 500:
        return f"{endpoint} failed with {status} on {request}" + (f": {detail}" if detail else "") + "; retry later"
    return f"{endpoint} answered {status} to {request}" + (f": {detail}" if detail else "")


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _first_line(text: str, limit: int = 200) -> str:
    """A server's message in one line, cut at `limit` characters (servers send whole HTML pages)."""
    line = first_line(text)
    return line if len(line) <= limit else line[: limit - 1] + "…"
