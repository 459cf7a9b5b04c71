"""A small UltraFeedback input written by hand and built by the real pipelines (notus with repair=true, and
zephyr to compare with), so the review app is tested on versions exactly as `notus run` publishes them —
and a rebuild started from the page can run the same command again.

Records (record_id = line):
  0  flan           completion 1 in the review_needed band (score 10, mean 3)
  1  sharegpt       completion 0 in the band
  2  evol_instruct  completion 0: score 10, mean 1 (score_defect) and a damning critique (negative_critique)
  3  false_qa       INJECTION: <script> in the prompt, <img onerror> in a response, <script> in a critique;
                    completion 0 in the band
  4  ultrachat      completion 0 in the band (mean 4)
  5..11             ordinary records with different sources, models and margins
So review_needed holds 4 completions (records 0, 1, 3, 4).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from notus.core.runner import run
from notus.core.version import Version
from notus.review.serve import Server, bind, open_review
from tests.support.paths import REPO

ASPECTS = ("helpfulness", "honesty", "instruction_following", "truthfulness")
SOURCES = ("flan", "sharegpt", "evol_instruct", "false_qa", "ultrachat", "truthful_qa")
MODELS = ("gpt-4", "llama-2-7b-chat", "bard", "wizardlm-13b")
GOOD = "The answer is accurate, clear and helpful."
DAMNING = "The response is incorrect and misleading. It does not address the question at all."
SCRIPT_PROMPT = "<script>window.__pwned = 1</script> What does XSS stand for?"
IMG_RESPONSE = '<img src=x onerror="window.__pwned = 2"> Cross-site scripting.'
SCRIPT_CRITIQUE = "<script>window.__pwned = 3</script> The answer is incorrect and misleading."
BAND = {(0, 1), (1, 0), (3, 0), (4, 0)}  # review_needed: (record, completion)


def completion(model: str, response: str, score: float, rating: int, critique: str = GOOD) -> dict[str, Any]:
    annotations = {a: {"Rating": str(rating), "Rationale": "because"} for a in ASPECTS}
    annotations["truthfulness"] |= {"Type": ["0"], "Rationale For Rating": "because"}
    return {"model": model, "principle": "helpfulness", "custom_system_prompt": "", "response": response,
            "annotations": annotations, "critique": critique, "overall_score": score, "fine-grained_score": rating}


def records() -> list[dict[str, Any]]:
    rows = []
    for rid in range(12):
        prompt = SCRIPT_PROMPT if rid == 3 else f"Question {rid}: explain topic number {rid} briefly."
        comps = [completion(MODELS[(rid + i) % 4], f"Answer {i} to question {rid}.", score, rating)
                 for i, (score, rating) in enumerate([(8, 5), (6, 4 - rid % 3), (5, 2)][: 2 + rid % 2])]
        if rid == 0:
            comps[1] = completion(MODELS[1], "Answer 1 to question 0: four.", 10, 3)
        if rid == 1:
            comps[0] = completion(MODELS[2], "Answer 0 to question 1, a guess.", 10, 3)
        if rid == 2:
            comps[0] = completion(MODELS[3], "Answer 0 to question 2, wrong.", 10, 1, DAMNING)
        if rid == 3:
            comps[0] = completion(MODELS[0], IMG_RESPONSE, 10, 3, SCRIPT_CRITIQUE)
        if rid == 4:
            comps[0] = completion(MODELS[1], "Answer 0 to question 4, decent.", 10, 4)
        rows.append({"source": SOURCES[rid % len(SOURCES)], "instruction": prompt,
                     "models": [c["model"] for c in comps], "completions": comps,
                     "correct_answers": [], "incorrect_answers": []})
    return rows


def write_input(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "part-00000.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records()))
    return folder


def build(root: Path, pipeline: str = "notus", verdicts: Path | None = None) -> Version:
    """Build pipelines/<pipeline>.yaml on the hand-made input under root/build (verdicts: root/verdicts)."""
    folder = verdicts or root / "verdicts"
    folder.mkdir(parents=True, exist_ok=True)
    sets = {"repair": "true", "test_size": "0"} if pipeline == "notus" else {"test_size": "0"}
    result = run(REPO / "pipelines" / f"{pipeline}.yaml", build_dir=root / "build", sets=sets,
                 sources={"input": str(write_input(root / "input")), "verdicts": str(folder)},
                 catalog=root / "catalog.duckdb")
    return Version.open(result.version_dir)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Version, Version]:
    """(notus, zephyr) versions, read-only for the tests that share them."""
    root = tmp_path_factory.mktemp("review-build")
    return build(root, "notus"), build(root, "zephyr")


class Running:
    """A real uvicorn server on a loopback port, serving a fresh build (compared with zephyr's) with its own
    verdicts folder."""

    def __init__(self, root: Path, host: str = "127.0.0.1", allow_remote: bool = False,
                 pipeline: str = "notus") -> None:
        self.root = root
        self.verdicts = root / "verdicts"
        version = build(root, pipeline)
        other = build(root, "zephyr") if pipeline == "notus" else None  # for chosen_differs and the pairs shown
        self.review = open_review(version, other, self.verdicts, "tester", host, allow_remote, cwd=REPO)
        self.server = Server(self.review, bind(host, 0)).start()
        self.base = f"http://{host}:{self.server.sock.getsockname()[1]}"

    def verdict_lines(self) -> list[dict[str, Any]]:
        path = self.review.ledger.path
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    server = Running(tmp_path)
    yield server
    server.server.stop()
