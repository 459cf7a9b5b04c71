from __future__ import annotations

import json
from pathlib import Path

from notus.train.throughput import summarize, write_throughput


def test_rates_use_step_time_and_logged_tokens() -> None:
    steps = [2.0, 1.0, 1.0, 1.0]
    tokens = {1: 1000, 2: 2000, 3: 3000, 4: 4000}
    s = summarize(steps, tokens, global_batch=8)
    assert (s["steps"], s["tokens"], s["pairs"], s["train_seconds"]) == (4, 4000, 32, 5.0)
    assert s["tokens_per_second"] == 800.0 and s["pairs_per_second"] == 6.4
    assert s["steady_tokens_per_second"] == 1000.0 and s["steady_pairs_per_second"] == 8.0
    assert s["first_step_seconds"] == 2.0


def test_unlogged_trailing_steps_are_left_out_of_both_tokens_and_time() -> None:
    s = summarize([1.0, 1.0, 1.0, 1.0, 9.0], {2: 500, 4: 1000}, global_batch=2)
    assert (s["steps"], s["tokens"], s["train_seconds"]) == (4, 1000, 4.0)
    assert "steady_tokens_per_second" not in s  # step 1 was not logged on its own


def test_nothing_logged_says_so(tmp_path: Path) -> None:
    s = summarize([1.0], {}, global_batch=2)
    assert "logging_steps" in s["note"]
    path = write_throughput(tmp_path, s)
    assert json.loads(path.read_text()) == s
