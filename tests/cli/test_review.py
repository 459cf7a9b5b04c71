"""`notus review` from the command line: it serves on a port it prints (0 picks one), prints the token off
loopback, and turns mistakes into one line and exit code 2."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest

from notus.cli.main import main
from notus.core.version import Version
from tests.review.conftest import build

NOTUS = [sys.executable, "-m", "notus.cli.main"]


@pytest.fixture(scope="module")
def version(tmp_path_factory: pytest.TempPathFactory) -> Version:
    return build(tmp_path_factory.mktemp("review-cli"))


@contextmanager
def serve(args: list[str]) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    proc = subprocess.Popen([*NOTUS, "review", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        printed: list[str] = []
        while not (printed and printed[-1].startswith("http")):
            line = proc.stdout.readline() if proc.stdout else ""
            if not line:
                raise AssertionError(f"notus review ended: {proc.stderr.read() if proc.stderr else ''}")
            printed.append(line.strip())
        yield proc, printed
    finally:
        proc.terminate()
        proc.wait(10)


def test_it_serves_on_the_printed_port(version: Version, tmp_path: Path) -> None:
    with serve([str(version.path), "--port", "0", "--author", "ann",
                "--verdicts-dir", str(tmp_path / "v")]) as (proc, printed):
        assert f"version {version.version_id}" in printed[0] and "human-ann.jsonl" in printed[0]
        url = printed[-1]
        assert url.startswith("http://127.0.0.1:") and "token" not in url
        page = httpx2.get(url + "queue?queue=review_needed", timeout=30)
        assert page.status_code == 200 and "review_needed <small>0/4</small>" in page.text
        assert proc.poll() is None


def test_off_loopback_it_prints_the_token_and_requires_it(version: Version, tmp_path: Path) -> None:
    with serve([str(version.path), "--host", "0.0.0.0", "--allow-remote", "--port", "0",
                "--verdicts-dir", str(tmp_path / "v")]) as (_, printed):
        token = next(line for line in printed if line.startswith("access token")).rsplit(" ", 1)[1]
        port = printed[-1].split(":")[2].split("/")[0]
        assert printed[-1].endswith(f"?token={token}")
        assert httpx2.get(f"http://127.0.0.1:{port}/queue", timeout=30).status_code == 401
        assert httpx2.get(f"http://127.0.0.1:{port}/queue?token={token}", timeout=30).status_code == 200


@pytest.mark.parametrize(("args", "message"), [
    ([], "give a version folder or --pipeline NAME"),
    (["{version}", "--host", "0.0.0.0"], "needs --allow-remote"),
    (["{version}", "--author", " spaced"], "--author ' spaced'"),
    (["{version}", "--port", "70000"], "--port 70000: expected 0..65535"),
    (["/nonexistent/folder"], "not a notus version folder"),
])
def test_mistakes_are_one_line_and_exit_2(version: Version, args: list[str], message: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["review", *(a.replace("{version}", str(version.path)) for a in args)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_a_verdict_acknowledged_before_a_kill_is_in_the_file(version: Version, tmp_path: Path) -> None:
    with serve([str(version.path), "--port", "0", "--author", "kim", "--verdicts-dir", str(tmp_path / "v")]) as (
            proc, printed):
        url = printed[-1].rstrip("/")
        page = httpx2.get(f"{url}/record/5?queue=everything", timeout=30).text
        token = re.search(r'name="csrf-token" content="([^"]+)"', page)
        assert token
        answer = httpx2.post(f"{url}/api/verdict", json={"action": "drop_record", "record_id": 5},
                             headers={"X-CSRF-Token": token.group(1)}, timeout=30)
        assert answer.status_code == 200
        proc.send_signal(signal.SIGKILL)  # no shutdown, no flush at exit
        proc.wait(10)
    (line,) = (tmp_path / "v" / "human-kim.jsonl").read_text().splitlines()
    assert json.loads(line)["verdict_id"] == answer.json()["saved"][0]
