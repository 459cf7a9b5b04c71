"""A small version with the tables a judge reads (prompts, responses, completions, mismatches), written the
way the runner publishes them, and the loopback chat-completions server.

Records 0..11 have two completions each; completion 1 of every even record is in the review_needed band
(overall_score 10, mean rating in (2, 4]); record 11 is an exact duplicate of record 10 (same prompt, same
responses and critiques), so its band completion is the same verdict key: asked about once, judged once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from tests.report.conftest import write_version
from tests.support.llm_server import LLMServer

N_RECORDS = 12


def _prompt(rid: int) -> str:
    return "Explain tides in one paragraph." if rid in (10, 11) else f"Question {rid}: what is {rid} squared?"


def make_tables() -> dict[str, pl.DataFrame]:
    prompts, responses, completions, mismatches = [], [], [], []
    for rid in range(N_RECORDS):
        prompt = _prompt(rid)
        pid = hashlib.sha256(prompt.encode()).hexdigest()
        prompts.append({"record_id": rid, "prompt_id": pid, "source": "flan", "prompt": prompt, "n_completions": 2})
        key = 10 if rid == 11 else rid
        for idx in range(2):
            band = idx == 1 and key % 2 == 0
            response = f"Answer {idx} to record {key}: " + ("a weak guess." if band else "a correct answer.")
            critique = "The answer is incorrect and ignores the question." if band else "Accurate and clear."
            score, mean = (10.0, 3.0) if band else (8.0, 4.5)
            responses.append({"record_id": rid, "prompt_id": pid, "completion_index": idx, "model": "gpt-4",
                              "principle": "helpfulness", "response": response, "critique": critique,
                              "overall_score": score})
            completions.append({"record_id": rid, "prompt_id": pid, "source": "flan", "completion_index": idx,
                                "overall_score": score, "mean_rating": mean, "fixed_overall_score": None if band
                                else score, "review_needed": band})
            if band:
                mismatches.append({"record_id": rid, "prompt_id": pid, "completion_index": idx, "overall_score": score,
                                   "mean_rating": mean, "reason": "negative_critique", "evidence": "incorrect"})
    return {
        "prompts": pl.DataFrame(prompts),
        "responses": pl.DataFrame(responses, schema_overrides={"completion_index": pl.Int32}),
        "completions": pl.DataFrame(completions, schema_overrides={"completion_index": pl.Int32,
                                                                   "fixed_overall_score": pl.Float64}),
        "mismatches": pl.DataFrame(mismatches, schema_overrides={"completion_index": pl.Int32}),
    }


QUEUE_ROWS = 7  # review_needed completions: records 0, 2, 4, 6, 8, 10, 11
QUEUED = 6  # distinct verdict keys: record 11's is record 10's


@pytest.fixture(scope="session")
def judge_version(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_version(tmp_path_factory.mktemp("judge-build"), "notus", make_tables(),
                         {"repair": True, "seed": 42})


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer() as s:
        yield s
