from __future__ import annotations

import socket
import threading
from pathlib import Path

import httpx2
import pytest
from huggingface_hub import constants, get_session

from notus.core.errors import DataError, NotusError, UsageError
from notus.core.version import Version
from notus.hub import private
from notus.publish.client import hub_session, resolve_token
from notus.publish.upload import PublishResult, publish_version
from tests.support.hub_server import HubServer, SilentServer

from .conftest import ORG, READ_ONLY_TOKEN, TOKEN


def publish(endpoint: str, version_dir: Path, repo_id: str = f"{ORG}/prefs", token: str = TOKEN,
            timeout: float = 10) -> PublishResult:
    with hub_session(endpoint, token, repo_id, timeout) as api:
        return publish_version(api, Version.open(version_dir), repo_id)


def one_line_error(excinfo: pytest.ExceptionInfo[NotusError]) -> str:
    message = str(excinfo.value)
    assert "\n" not in message and message
    return message


@pytest.fixture
def no_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No token anywhere: env cleared, the login cache pointed at an absent file (returned)."""
    for var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE"):
        monkeypatch.delenv(var, raising=False)
    cache = tmp_path / "hf-home" / "token"
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(cache))
    return cache


def test_token_comes_from_hf_token(no_token: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    assert resolve_token() == TOKEN


def test_token_comes_from_the_login_cache(no_token: Path) -> None:
    no_token.parent.mkdir(parents=True)
    no_token.write_text(TOKEN + "\n")
    assert resolve_token() == TOKEN


def test_no_token_is_a_one_line_usage_error(no_token: Path) -> None:
    with pytest.raises(UsageError) as excinfo:
        resolve_token()
    assert "HF_TOKEN" in one_line_error(excinfo)


def test_a_server_that_never_answers_times_out_instead_of_hanging(
    silent_hub: SilentServer, version_dir: Path
) -> None:
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            publish(silent_hub.endpoint, version_dir, timeout=0.5)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(60)  # a guard against the hang under test, far above the 0.5 s timeout
    assert not worker.is_alive(), "publish hung on a silent server"
    assert silent_hub.connections  # the request did reach the server
    assert isinstance(outcome[0], DataError)
    message = str(outcome[0])
    assert "\n" not in message
    assert f"no answer from {silent_hub.endpoint} within 0.5s" in message


def test_network_down_is_one_line(version_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{s.getsockname()[1]}"
    with pytest.raises(DataError) as excinfo:
        publish(endpoint, version_dir)
    assert f"cannot reach {endpoint}" in one_line_error(excinfo)


def test_wrong_token_is_refused_in_one_line(hub: HubServer, version_dir: Path) -> None:
    with pytest.raises(DataError) as excinfo:
        publish(hub.endpoint, version_dir, token="hf_not_a_valid_token")
    message = one_line_error(excinfo)
    assert "refused the token (401 Unauthorized)" in message
    assert "hf_not_a_valid_token" not in message
    assert not hub.state.repos


def test_token_without_write_access_to_the_namespace_is_refused(hub: HubServer, version_dir: Path) -> None:
    with pytest.raises(DataError) as excinfo:
        publish(hub.endpoint, version_dir, token=READ_ONLY_TOKEN)
    assert f"refused access to {ORG}/prefs (403 Forbidden)" in one_line_error(excinfo)


def test_missing_repo_namespace_is_one_line(hub: HubServer, version_dir: Path) -> None:
    hub.missing_namespaces.add("ghost")
    with pytest.raises(DataError) as excinfo:
        publish(hub.endpoint, version_dir, repo_id="ghost/prefs")
    assert "dataset repo ghost/prefs not found" in one_line_error(excinfo)


def test_server_errors_are_one_line(hub: HubServer, version_dir: Path) -> None:
    hub.refuse_all_with = 501  # not retried by the client, unlike 500/502/503/504
    with pytest.raises(DataError) as excinfo:
        publish(hub.endpoint, version_dir)
    assert f"{hub.endpoint} failed with 501" in one_line_error(excinfo)


def test_offline_mode_is_explained(hub: HubServer, version_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(DataError) as excinfo:
        publish(hub.endpoint, version_dir)
    assert "HF_HUB_OFFLINE" in one_line_error(excinfo)
    assert not hub.state.requests


def test_session_uses_a_timeout_client_and_restores_the_library_defaults(hub: HubServer) -> None:
    factory, xet = private.current_client_factory(), constants.HF_HUB_DISABLE_XET
    with hub_session(hub.endpoint, TOKEN, f"{ORG}/prefs", timeout=7):
        assert get_session().timeout == httpx2.Timeout(7)
        assert constants.HF_HUB_DISABLE_XET is True
    assert private.current_client_factory() is factory
    assert constants.HF_HUB_DISABLE_XET is xet


@pytest.mark.parametrize(("endpoint", "timeout", "match"), [("127.0.0.1:1", 1, "http"), ("http://x", 0, "timeout")])
def test_bad_endpoint_or_timeout_is_a_usage_error(endpoint: str, timeout: float, match: str) -> None:
    with pytest.raises(UsageError, match=match), hub_session(endpoint, TOKEN, "o/n", timeout):
        pass
