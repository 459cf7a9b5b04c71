"""The Hugging Face Hub's HTTP client, made to give up: every Hub read or write notus makes goes through it.

huggingface_hub 2.x sends everything through one shared httpx2 client created with `timeout=None`, so a
server that accepts the connection and never answers hangs the caller forever. `bounded_hub_requests`
installs (for its duration only) a client factory whose clients bound every request's timeouts — several
library calls pass `timeout=None` per request, so a client default alone still hangs — and switches the Xet
transfer off: Xet runs in hf_xet's own Rust HTTP stack, which this timeout does not reach. Used by source
downloads (`hf://` inputs, the Hub benchmark sets) and by `notus publish`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx2
from huggingface_hub import constants, set_client_factory

from notus.hub import private

DEFAULT_READ_TIMEOUT = 60.0  # seconds without progress on one request; NOTUS_HUB_TIMEOUT overrides it


def hub_timeout() -> float:
    return float(os.environ.get("NOTUS_HUB_TIMEOUT") or DEFAULT_READ_TIMEOUT)


@contextmanager
def bounded_hub_requests(timeout: float | None = None) -> Iterator[None]:
    """Within the block, every huggingface_hub request gives up after `timeout` seconds without progress."""
    previous_factory = private.current_client_factory()
    previous_xet = constants.HF_HUB_DISABLE_XET
    set_client_factory(_timeout_factory(timeout or hub_timeout()))
    constants.HF_HUB_DISABLE_XET = True
    try:
        yield
    finally:
        set_client_factory(previous_factory)
        constants.HF_HUB_DISABLE_XET = previous_xet


def _timeout_factory(timeout: float) -> Callable[[], httpx2.Client]:
    def factory() -> httpx2.Client:
        # The library's own client (its request hook enforces HF_HUB_OFFLINE and tags requests), with a limit.
        client = private.default_client()
        client.timeout = httpx2.Timeout(timeout)
        hooks = client.event_hooks
        client.event_hooks = {**hooks, "request": [*hooks.get("request", []), _bounded_timeouts(timeout)]}
        return client

    return factory


def _bounded_timeouts(limit: float) -> Callable[[httpx2.Request], None]:
    """A request hook that caps every timeout of a request at `limit`.

    A client default is not enough: repo_info and every paginated listing (list_repo_tree, list_repo_commits)
    pass `timeout=None` explicitly, which in httpx means "wait forever" and overrides the client's default.
    The hook runs just before the request is sent, so it sees (and bounds) whatever the caller asked for.
    """

    def hook(request: httpx2.Request) -> None:
        asked = request.extensions.get("timeout") or {}
        bounded = {
            phase: limit if asked.get(phase) is None else min(float(asked[phase]), limit)
            for phase in ("connect", "read", "write", "pool")
        }
        request.extensions = {**request.extensions, "timeout": bounded}

    return hook


