"""The review app in a real browser: headless Chromium (the system package) driven by Playwright, against a
real server over a real build. Follows issue 13 item 5: open, filter, bulk-mark a filter (the confirmation
shows the count), undo, review by keyboard, check the verdict file, rebuild from the page, and the new
version; the injection rows stay text; the review_needed queue goes to zero by keyboard alone.

Without a browser these tests skip with one line; with CI=1 they fail instead (`.ci/run` installs one).
The screenshots of the README's "Reviewing" section are written here (docs/images/review-*.png).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import polars as pl
import pytest

from notus.core.version import Version
from tests.review.conftest import Running, build
from tests.support.paths import REPO

IMAGES = REPO / "docs" / "images"
TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        yield _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
        return
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        yield _unavailable("no chromium on PATH (apt-get install chromium)")
        return
    with sync_playwright() as p:
        try:
            launched = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        except Exception as exc:  # any launch failure means: no browser here
            yield _unavailable(f"chromium at {path} did not start: {str(exc).splitlines()[0]}")
            return
        yield launched
        launched.close()


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI=1 and no browser: {reason}")
    pytest.skip(reason)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    tab.problems = []  # dialogs and console errors: hostile data must cause neither
    tab.on("dialog", lambda d: (tab.problems.append(f"dialog: {d.message}"), d.dismiss()))
    tab.on("console", lambda m: tab.problems.append(f"console: {m.text}") if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.problems.append(f"pageerror: {e}"))
    yield tab
    context.close()


def rows(page: Any) -> list[str]:
    return page.locator("#items tbody tr td:first-child").all_inner_texts()


def actions(running: Running) -> list[str]:
    return [line["action"] for line in running.verdict_lines()]


def test_filter_bulk_undo_keyboard_and_rebuild(page: Any, running: Running) -> None:
    base = running.base
    page.goto(f"{base}/queue?queue=everything")
    assert len(rows(page)) == 12
    # filter
    page.select_option("select[name=source]", "flan")
    page.click("#apply")
    page.wait_for_url("**source=flan**")
    assert rows(page) == ["0", "6"]
    # bulk-mark the whole filter: the confirmation shows the count, nothing is written before it
    page.keyboard.press("X")
    assert "Mark all 2 item(s)" in page.locator("#confirm-text").inner_text()
    assert actions(running) == []
    page.click("#confirm-yes")
    page.wait_for_function("() => document.querySelector('#shown').textContent === '0'")  # none pending now
    assert actions(running) == ["drop_record", "drop_record"]
    # undo withdraws the whole bulk action
    page.keyboard.press("u")
    page.wait_for_function("() => document.querySelector('#shown').textContent === '2'")
    assert actions(running) == ["drop_record"] * 2 + ["retract"] * 2
    # review by keyboard: open the review_needed queue, Enter opens its first item, x drops that record
    page.goto(f"{base}/queue?queue=review_needed")
    page.keyboard.press("Enter")
    page.wait_for_url("**/record/0?**ci=1**")
    page.keyboard.press("x")
    page.wait_for_url("**/record/1?**ci=0**")  # next pending item
    lines = running.verdict_lines()
    assert lines[-1]["action"] == "drop_record" and lines[-1]["prompt_id"] == lines[0]["prompt_id"]
    for key in ("2", "c", "1", "r", "p"):  # record 1: the 2nd completion chosen, the 1st rejected
        page.keyboard.press(key)
    page.wait_for_url("**/record/3?**")
    last = running.verdict_lines()[-1]
    assert (last["action"], last["chosen_index"], last["rejected_index"]) == ("set_pair", 1, 0)
    assert int(page.locator("#pending").get_attribute("data-pending")) == 6
    # rebuild from the page: the version id changes and record 0 leaves preferences as `reviewed`
    old = page.locator("#version").get_attribute("data-version-id")
    page.click("#rebuild")
    page.wait_for_function(f"() => document.querySelector('#version').dataset.versionId !== '{old}'")
    new = Version.open(running.root / "build" / "notus" / "latest")
    assert new.version_id == page.locator("#version").get_attribute("data-version-id") != old
    dropped = new.scan("dropped").filter(pl.col("record_id") == 0).collect()
    assert dropped["reason"].to_list() == ["reviewed"]
    preferences = new.scan("preferences").collect()
    assert 0 not in preferences["record_id"].to_list()
    assert preferences.filter(pl.col("record_id") == 1).select("chosen_index", "rejected_index").row(0) == (1, 0)
    assert "every verdict is in this version" in page.locator("#pending").inner_text()
    assert page.problems == []


def test_hostile_rows_show_as_text_and_never_run(page: Any, running: Running) -> None:
    page.goto(f"{running.base}/record/3?queue=review_needed&ci=0")
    assert "<script>window.__pwned = 1</script>" in page.locator(".prompt-text").inner_text()
    assert '<img src=x onerror="window.__pwned = 2">' in page.locator("#completion-0 .response").inner_text()
    assert "<script>window.__pwned = 3</script>" in page.locator("#completion-0 .critique").inner_text()
    assert page.locator("#completion-0 .critique mark").all_inner_texts() == ["incorrect", "misleading"]
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("main img, main script").count() == 0
    page.goto(f"{running.base}/queue?queue=everything&q=xss")
    assert "<script>window.__pwned = 1</script>" in page.locator("#items .excerpt").inner_text()
    assert page.evaluate("() => window.__pwned") is None
    assert page.problems == []


def test_review_needed_goes_to_zero_by_keyboard_alone(page: Any, running: Running) -> None:
    page.goto(f"{running.base}/queue?queue=review_needed&mean_max=3")
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMAGES / "review-queue.png"))
    page.goto(f"{running.base}/queue?queue=review_needed")
    assert page.locator("nav a[data-queue=review_needed] small").inner_text() == "0/4"
    page.keyboard.press("Enter")
    page.wait_for_url("**/record/0?**ci=1**")
    page.keyboard.press("o")
    page.wait_for_url("**/record/1?**")
    page.keyboard.press("u")  # undo goes back to the record just decided
    page.wait_for_url("**/record/0?**ci=1**")
    assert actions(running) == ["completion_ok", "retract"]
    for key in ("d", "o", "2", "s"):  # defective; ok; focus the 2nd completion of record 3; type a score
        page.wait_for_url("**/record/**")
        before = page.url
        if key == "2":
            page.keyboard.press("2")
            page.keyboard.press("1")  # back to the flagged completion: the first
            page.keyboard.press("d")
        elif key == "s":
            page.keyboard.press("s")
            page.keyboard.type("4")
            page.keyboard.press("Enter")
        else:
            page.keyboard.press(key)
        page.wait_for_url(lambda url, before=before: url != before)
    page.wait_for_selector("#done")
    assert page.locator("nav a[data-queue=review_needed] small").inner_text() == "4/4"
    assert actions(running)[2:] == ["completion_defective", "completion_ok", "completion_defective", "set_score"]
    assert running.verdict_lines()[-1]["score"] == 4.0
    page.goto(f"{running.base}/record/2?queue=mismatches&ci=0")
    page.screenshot(path=str(IMAGES / "review-record.png"), full_page=True)
    # the page's rebuild and a build of the same verdicts by hand make the same version
    page.keyboard.press("R")
    page.wait_for_selector("#rebuild-status[data-state=done]")
    rebuilt = build(running.root).version_id
    page.wait_for_function(f"() => document.querySelector('#version').dataset.versionId === '{rebuilt}'")
    assert page.problems == []
