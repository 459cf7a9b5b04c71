"""The two private `huggingface_hub` names notus relies on, in one place.

huggingface_hub 2.x has a public `set_client_factory` but no public way to read the factory in force or to
build the library's own default client (with its offline check and request tagging) — and notus must do
both to bound every request's timeout and then put the library back as it was (see `client.py`). So it
reaches into `huggingface_hub.utils._http` for `default_client_factory` and `_GLOBAL_CLIENT_FACTORY`.
An upgrade may move them: `tests/hub/test_private.py` fails loudly then, naming what is gone, instead of
publish and Hub downloads silently losing their timeouts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from huggingface_hub.utils import _http

PRIVATE_NAMES = ("default_client_factory", "_GLOBAL_CLIENT_FACTORY")


def missing_names() -> list[str]:
    """The private names this huggingface_hub no longer has (empty when all is well)."""
    return [name for name in PRIVATE_NAMES if not hasattr(_http, name)]


def default_client() -> Any:
    """A fresh httpx client as huggingface_hub builds it by default (hooks included)."""
    return _http.default_client_factory()


def current_client_factory() -> Callable[[], Any]:
    """The client factory in force now, so that it can be restored after a temporary one."""
    return getattr(_http, "_GLOBAL_CLIENT_FACTORY", _http.default_client_factory)
