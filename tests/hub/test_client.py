"""Reading from a Hub that accepts connections and never answers ends in a one-line error, not a hang."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from huggingface_hub import constants

from notus.core.errors import DataError
from notus.core.sources import resolve_source


@pytest.fixture
def silent_server() -> Iterator[str]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])  # accept, read nothing, answer nothing
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_hf_source_on_a_silent_hub_times_out(
    silent_server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", silent_server)
    monkeypatch.setenv("NOTUS_HUB_TIMEOUT", "0.5")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    started = time.monotonic()
    with pytest.raises(DataError, match="could not download from the Hub"):
        resolve_source("input", "hf://datasets/openbmb/UltraFeedback")
    assert time.monotonic() - started < 30
