"""`notus judge` from the command line: the dry run's figures, one-line mistakes, a key that never leaks, and
a run SIGKILLed with requests in flight that the next run finishes without asking anything twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from notus.cli.main import main
from tests.judge.conftest import QUEUED
from tests.support.llm_server import Call, Hang, LLMServer, Reply
from tests.support.llm_server import judge as hashed_judge

NOTUS = [sys.executable, "-m", "notus.cli.main"]


def dirs(tmp_path: Path) -> list[str]:
    return ["--verdicts-dir", str(tmp_path / "verdicts"), "--cache-dir", str(tmp_path / "cache")]


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_dry_run_prints_requests_and_estimated_tokens_and_sends_nothing(
        judge_version: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["judge", str(judge_version), "--model", "m", "--dry-run", *dirs(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"queue review_needed of notus/{judge_version.name}: {QUEUED} completion(s)" in out
    assert f"would send {QUEUED} request(s)" in out
    assert "estimated prompt tokens: " in out and "characters / 4" in out and "no tokenizer" in out
    assert f"answer tokens: at most {QUEUED * 1024:,}" in out
    assert not (tmp_path / "verdicts").exists() and not (tmp_path / "cache").exists()
    assert main(["judge", str(judge_version), "--model", "m", "--dry-run", "--max-requests", "2", *dirs(tmp_path)]) == 0
    assert f"would send 2 request(s) (--max-requests 2 of {QUEUED})" in capsys.readouterr().out


def test_a_run_and_a_rerun_from_the_command_line(
        judge_version: Path, tmp_path: Path, server: LLMServer, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["judge", str(judge_version), "--model", "m", "--endpoint", server.url, *dirs(tmp_path)]
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert f"sent {QUEUED} request(s): {QUEUED} answered, 0 without an answer" in out
    assert f"verdicts written: {QUEUED} set_score, 0 judge_failed -> {tmp_path / 'verdicts' / 'judge-m.jsonl'}" in out
    assert f"judged {QUEUED}/{QUEUED}" in err
    assert main(args) == 0
    assert f"already judged: {QUEUED} · answered in the cache: 0 · requests to send: 0" in capsys.readouterr().out
    assert len(server.chat_calls()) == QUEUED


def test_requests_without_an_answer_exit_1_saying_to_run_again(
        judge_version: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with LLMServer(lambda call, attempt: Reply(503, json={"error": "overloaded"})) as server:
        code = main(["judge", str(judge_version), "--model", "m", "--endpoint", server.url, "--max-attempts", "1",
                     *dirs(tmp_path)])
    assert code == 1
    err = capsys.readouterr().err
    assert f"notus: error: {QUEUED} request(s) got no answer ({QUEUED}× no answer after 1 attempt(s): HTTP 503)" in err
    assert "run the same command again" in err and "Traceback" not in err


@pytest.mark.parametrize(("extra", "message"), [
    ([], "--endpoint is required"),
    (["--dry-run", "--concurrency", "0"], "--concurrency must be >= 1"),
    (["--dry-run", "--max-requests", "-1"], "--max-requests must be >= 0"),
    (["--dry-run", "--queue", "everything"], "a queue of records, but a judge rates completions"),
    (["--dry-run", "--queue", "mismatches:typo"], "unknown mismatch reason 'typo'"),
    (["--dry-run", "--template", "/nonexistent.md"], "--template /nonexistent.md: cannot read it"),
    (["--endpoint", "localhost:8000", "--api-key-env", "NOTUS_TEST_UNSET_KEY"], "NOTUS_TEST_UNSET_KEY: the variable"),
    (["--endpoint", "localhost:8000"], "expected an http(s) URL"),
    (["--dry-run", "--batch-file", "x.jsonl"], "not allowed with argument"),
    (["--dry-run", "--model", ":bad"], "--model ':bad': expected a model name"),
])
def test_mistakes_exit_2_with_one_line(judge_version: Path, tmp_path: Path, extra: list[str], message: str,
                                       capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTUS_TEST_UNSET_KEY", raising=False)
    try:
        code = main(["judge", str(judge_version), "--model", "m", *extra, *dirs(tmp_path)])
    except SystemExit as exc:  # argparse's own errors
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2, err
    errors = [line for line in err.splitlines() if line.startswith("notus")]
    assert len(errors) == 1 and message in errors[0]  # one line (argparse prints its usage above it)
    assert "Traceback" not in err


def test_an_empty_review_queue_says_how_to_fill_it(version_factory, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from tests.judge.conftest import make_tables
    tables = make_tables()
    tables["completions"] = tables["completions"].with_columns(review_needed=False)
    version = version_factory("notus", tables, repair=False)
    assert main(["judge", str(version), "--model", "m", "--dry-run", *dirs(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert ": 0 completion(s)" in out and "notus run pipelines/notus.yaml --set repair=true" in out


SECRET = "sk-notus-test-0123456789abcdef"


def test_the_api_key_is_sent_but_never_printed_or_written(judge_version: Path, tmp_path: Path) -> None:
    """The key reaches the server as a Bearer token; no output and no file has it, even when the server
    echoes it back in an answer that is kept (a 400 body) and in one that stops the run (a 401)."""
    def behaviour(call: Call, attempt: int) -> Reply:
        if "Question 0:" in json.dumps(call.body):
            return Reply(400, json={"error": {"message": f"bad request for key {SECRET}"}})
        return hashed_judge(call, attempt)  # type: ignore[return-value]
    env = {**os.environ, "NOTUS_JUDGE_API_KEY": SECRET}
    outputs = []
    with LLMServer(behaviour) as server:
        proc = subprocess.run([*NOTUS, "judge", str(judge_version), "--model", "m", "--endpoint", server.url,
                               *dirs(tmp_path)], capture_output=True, text=True, env=env)
        outputs += [proc.stdout, proc.stderr]
        assert proc.returncode == 0, proc.stderr
        assert {c.headers.get("Authorization") for c in server.chat_calls()} == {f"Bearer {SECRET}"}
    with LLMServer(lambda call, attempt: Reply(401, json={"error": {"message": f"invalid key {SECRET}"}})) as server:
        proc = subprocess.run([*NOTUS, "judge", str(judge_version), "--model", "other", "--endpoint", server.url,
                               *dirs(tmp_path)], capture_output=True, text=True, env=env)
    assert proc.returncode == 1 and "refused the API key" in proc.stderr
    outputs += [proc.stdout, proc.stderr]
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any("judge_failed" in p.read_text() for p in files)  # the echoing 400 answer was kept, scrubbed
    assert all(SECRET not in text for text in outputs)
    assert all(SECRET.encode() not in p.read_bytes() for p in files)


@pytest.mark.slow
def test_a_sigkilled_run_loses_only_requests_in_flight_and_the_next_run_finishes(
        judge_version: Path, tmp_path: Path) -> None:
    answered: list[str] = []
    lock = threading.Lock()

    def slow(call: Call, attempt: int) -> Reply | Hang:
        with lock:
            if len(answered) >= 2:
                return Hang()  # holds every later request until the process is killed
            answered.append(json.dumps(call.body))
        return hashed_judge(call, attempt)
    verdict_file, cache_file = tmp_path / "verdicts" / "judge-m.jsonl", tmp_path / "cache" / "m.jsonl"
    with LLMServer(slow) as server:
        proc = subprocess.Popen([*NOTUS, "judge", str(judge_version), "--model", "m", "--endpoint", server.url,
                                 "--concurrency", "2", *dirs(tmp_path)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while not (len(lines(verdict_file)) == 2 and server.in_flight == 2) and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL
    assert len(lines(cache_file)) == 2 and len(lines(verdict_file)) == 2  # the two in flight are lost, nothing else

    with LLMServer() as server:
        done = subprocess.run([*NOTUS, "judge", str(judge_version), "--model", "m", "--endpoint", server.url,
                               *dirs(tmp_path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert len(server.chat_calls()) == QUEUED - 2  # the two answered before the kill are not asked again
    written = lines(verdict_file)
    assert len(written) == QUEUED
    assert len({(v["prompt_id"], v["completion_index"], v["response_sha256"]) for v in written}) == QUEUED
    assert len({v["judge"]["request_key"] for v in written}) == QUEUED
    assert len({a["key"] for a in lines(cache_file)}) == len(lines(cache_file)) == QUEUED
