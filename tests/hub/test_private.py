"""The private huggingface_hub names notus relies on are still there; an upgrade that removes them fails
here, by name, rather than silently leaving Hub requests without their timeouts."""

from __future__ import annotations

import httpx2

from notus.hub import private
from notus.hub.client import bounded_hub_requests


def test_the_private_names_exist_in_this_huggingface_hub() -> None:
    missing = private.missing_names()
    assert missing == [], (
        f"huggingface_hub.utils._http no longer has {', '.join(missing)}: update src/notus/hub/private.py "
        "(the only module that uses them)"
    )


def test_the_default_client_is_an_httpx_client_and_the_factory_is_restored() -> None:
    assert isinstance(private.default_client(), httpx2.Client)
    before = private.current_client_factory()
    with bounded_hub_requests(3):
        assert private.current_client_factory() is not before
    assert private.current_client_factory() is before
