"""The review app over HTTP, against a real uvicorn server on a loopback port: escaping of hostile rows, the
CSRF and token rules, one-line 4xx answers, and verdicts that reach the folder (fsynced) before the answer."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from notus.core.errors import UsageError
from notus.report.build import write_report
from notus.review.security import CSP
from notus.review.serve import open_review
from tests.review.conftest import Running, build


@pytest.fixture
def client(running: Running) -> Iterator[httpx2.Client]:
    with httpx2.Client(base_url=running.base, timeout=30) as c:
        yield c


def csrf(running: Running) -> dict[str, str]:
    return {"X-CSRF-Token": running.review.guard.csrf}


def test_hostile_rows_are_text_and_the_page_forbids_inline_script(client: httpx2.Client) -> None:
    page = client.get("/record/3?queue=review_needed&ci=0")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CSP and "script-src 'self'" in CSP
    html = page.text
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html  # prompt
    assert "&lt;img src=x onerror=&#34;window.__pwned = 2&#34;&gt;" in html  # response
    assert "&lt;script&gt;window.__pwned = 3&lt;/script&gt;" in html  # critique, with its evidence marked
    assert "<mark>incorrect</mark>" in html
    assert "<script>window" not in html and "<img src=x" not in html
    listing = client.get("/queue?queue=everything&q=xss").text
    assert "&lt;script&gt;window.__pwned = 1" in listing and "<script>window" not in listing


def test_a_verdict_needs_the_csrf_token_and_json(running: Running, client: httpx2.Client) -> None:
    body = {"action": "completion_defective", "record_id": 0, "completion_index": 1}
    assert client.post("/api/verdict", json=body).status_code == 403
    assert client.post("/api/verdict", json=body, headers={"X-CSRF-Token": "guess"}).status_code == 403
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    form = client.post("/api/verdict", content=b"action=x", headers={**csrf(running), **form_type})
    assert form.status_code == 415
    assert running.verdict_lines() == []
    ok = client.post("/api/verdict", json=body, headers=csrf(running))
    assert ok.status_code == 200 and ok.json()["pending"] == 1
    (line,) = running.verdict_lines()
    assert (line["action"], line["completion_index"], line["author"]) == ("completion_defective", 1, "human:tester")
    assert line["verdict_id"] == ok.json()["saved"][0]


def test_the_verdict_is_fsynced_before_the_answer(running: Running, client: httpx2.Client,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    real = os.fsync

    def spy(fd: int) -> None:
        real(fd)
        events.append("fsync")

    monkeypatch.setattr(os, "fsync", spy)
    answer = client.post("/api/verdict", json={"action": "drop_record", "record_id": 5, "note": "spam"},
                         headers=csrf(running))
    events.append(f"answer {answer.status_code}")
    assert events == ["fsync", "answer 200"]
    assert running.verdict_lines()[0]["note"] == "spam"


@pytest.mark.parametrize(("method", "path", "body", "status", "message"), [
    ("GET", "/queue?queue=everything&score_min=lots", None, 400, "score_min: expected a number"),
    ("GET", "/queue?queue=nope", None, 400, "queue: unknown queue 'nope'"),
    ("GET", "/record/abc", None, 400, "record: expected a whole number"),
    ("GET", "/record/999", None, 404, "no such record"),
    ("GET", "/nowhere", None, 404, "not found"),
    ("POST", "/api/verdict", b"{not json", 400, "body: not valid JSON"),
    ("POST", "/api/verdict", b"[1]", 400, "body: expected a JSON object"),
    ("POST", "/api/verdict", b'{"action": "launch"}', 400, "action: expected one of"),
    ("POST", "/api/verdict", b'{"action": "completion_ok", "record_id": 0, "completion_index": 7}', 404,
     "completion 7: this record has no such completion"),
    ("POST", "/api/verdict", b'{"action": "set_score", "record_id": 0, "completion_index": 0, "score": 11}', 400,
     "score: set_score needs a number in [0, 10]"),
    ("POST", "/api/undo", b"{}", 409, "nothing to undo"),
    ("POST", "/api/bulk", b'{"action": "completion_ok", "filters": {"queue": "review_needed"}, "expected": 3}',
     409, "the filter now matches 4 items, not 3"),
    ("POST", "/api/bulk", b'{"action": "completion_ok", "filters": {"queue": "everything"}, "expected": 12}',
     400, "needs a queue of completions"),
    ("PUT", "/api/verdict", b"{}", 405, "method PUT not allowed"),
])
def test_bad_requests_get_a_4xx_and_one_line(running: Running, client: httpx2.Client, method: str, path: str,
                                             body: bytes | None, status: int, message: str) -> None:
    headers = {**csrf(running), "Content-Type": "application/json"}
    answer = client.request(method, path, content=body, headers=headers)
    assert answer.status_code == status
    assert message in answer.text and "\n" not in answer.text.strip() and "Traceback" not in answer.text
    assert running.verdict_lines() == []


def test_a_foreign_host_name_is_refused_on_loopback(client: httpx2.Client) -> None:
    answer = client.get("/queue?queue=everything", headers={"Host": "rebind.example:80"})
    assert answer.status_code == 403 and "loopback" in answer.text


def test_bulk_then_undo_withdraws_the_whole_batch(running: Running, client: httpx2.Client) -> None:
    count = client.get("/api/count?queue=review_needed").json()["count"]
    assert count == 4
    bulk = client.post("/api/bulk", json={"action": "completion_ok", "filters": {"queue": "review_needed"},
                                          "expected": count}, headers=csrf(running))
    assert bulk.status_code == 200 and bulk.json()["saved"] == 4
    assert client.get("/api/count?queue=review_needed").json()["count"] == 0
    undo = client.post("/api/undo", json={}, headers=csrf(running))
    assert undo.json()["undone"] == 4
    lines = running.verdict_lines()
    assert [line["action"] for line in lines] == ["completion_ok"] * 4 + ["retract"] * 4
    assert {line["retracts"] for line in lines[4:]} == {line["verdict_id"] for line in lines[:4]}
    assert client.get("/api/count?queue=review_needed").json()["count"] == 4


def test_it_writes_nowhere_but_the_verdicts_folder(running: Running, client: httpx2.Client) -> None:
    def files() -> dict[Path, int]:
        return {p: p.stat().st_mtime_ns for p in running.root.rglob("*") if p.is_file()}

    before = files()
    client.post("/api/verdict", json={"action": "completion_ok", "record_id": 1, "completion_index": 0},
                headers=csrf(running))
    client.get("/record/1?queue=everything")
    changed = {p for p, m in files().items() if before.get(p) != m}
    assert changed == {running.review.ledger.path}


def test_off_loopback_a_token_is_required_on_every_request(tmp_path: Path) -> None:
    remote = Running(tmp_path, host="0.0.0.0", allow_remote=True)
    try:
        token = remote.review.guard.token
        assert token
        port = remote.server.sock.getsockname()[1]
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
            assert c.get("/queue?queue=everything").status_code == 401
            assert c.get("/queue?queue=everything&token=wrong").status_code == 401
            first = c.get(f"/queue?queue=everything&token={token}")
            assert first.status_code == 200 and "httponly" in first.headers["set-cookie"].lower()
            assert c.get("/queue?queue=everything").status_code == 200  # the cookie now carries it
            post = c.post("/api/undo", json={})
            assert post.status_code == 403  # the token alone is not enough to change anything: CSRF too
    finally:
        remote.server.stop()


def test_a_non_loopback_host_needs_allow_remote(running: Running) -> None:
    with pytest.raises(UsageError, match="--allow-remote"):
        open_review(running.review.data.version, None, running.verdicts, "tester", "0.0.0.0")


def test_the_page_opens_on_the_first_queue_with_work_left(running: Running, client: httpx2.Client) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/queue?queue=review_needed"
    client.post("/api/bulk", json={"action": "completion_ok", "filters": {"queue": "review_needed"}, "expected": 4},
                headers=csrf(running))
    assert client.get("/", follow_redirects=False).headers["location"] == "/queue?queue=mismatches"


def test_an_empty_review_needed_queue_says_how_to_fill_it(tmp_path: Path) -> None:
    unrepaired = Running(tmp_path, pipeline="zephyr")  # built with repair=false: nothing in the band
    try:
        page = httpx2.get(f"{unrepaired.base}/queue?queue=review_needed", timeout=30).text
        assert 'id="hint"' in page and "--set repair=true" in page
        assert 'id="hint"' not in httpx2.get(f"{unrepaired.base}/queue?queue=everything", timeout=30).text
    finally:
        unrepaired.server.stop()


def test_a_rebuild_from_the_page_applies_every_verdict_and_the_report_shows_them(
        running: Running, client: httpx2.Client, tmp_path: Path) -> None:
    old = running.review.data.version.version_id
    for body in ({"action": "set_score", "record_id": 0, "completion_index": 1, "score": 2},
                 {"action": "completion_defective", "record_id": 1, "completion_index": 0},
                 {"action": "set_pair", "record_id": 6, "chosen_index": 1, "rejected_index": 0, "note": "by hand"}):
        assert client.post("/api/verdict", json=body, headers=csrf(running)).status_code == 200
    assert client.post("/api/rebuild", json={}, headers=csrf(running)).json()["state"] == "running"
    assert running.review.rebuild is not None
    running.review.rebuild.wait(120)
    status = client.get("/api/rebuild").json()  # the poll that moves the app to the new version
    assert status["state"] == "done" and status["version_id"] != old
    new = running.review.data.version
    assert new.version_id == status["version_id"] and running.review.pending() == 0
    applied = new.scan("verdicts").collect()
    assert sorted(applied["status"].to_list()) == ["applied"] * 3
    completions = new.scan("completions").collect().to_dicts()
    fixed = next(c for c in completions if (c["record_id"], c["completion_index"]) == (0, 1))
    assert fixed["fixed_overall_score"] == 2.0 and not fixed["review_needed"]
    pair = new.scan("preferences").collect().filter(record_id=6).to_dicts()[0]
    assert (pair["chosen_index"], pair["rejected_index"]) == (1, 0)
    # the same verdicts rebuild to the same version id
    assert build(running.root).version_id == new.version_id
    report = write_report(new.path, out=tmp_path / "report").read_text()
    assert "human:tester" in report[report.index("## Verdicts"):]


def test_undoing_one_verdict_names_its_record_for_the_page_to_return_to(running: Running,
                                                                        client: httpx2.Client) -> None:
    client.post("/api/verdict", json={"action": "completion_ok", "record_id": 4, "completion_index": 0},
                headers=csrf(running))
    undo = client.post("/api/undo", json={}, headers=csrf(running)).json()
    assert (undo["undone"], undo["record_id"], undo["completion_index"]) == (1, 4, 0)
