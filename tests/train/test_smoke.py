"""`make train-smoke` end to end: two CPU processes through accelerate, on a test version and the tiny model.

A test of plumbing, not of model quality: the smoke config's learning rate makes a random model learn its
64 training pairs within 20 steps, which is what the assertions rely on.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from notus.train.smoke import WINDOW, main, run_smoke
from tests.support.paths import REPO


@pytest.mark.slow
def test_two_process_dpo_learns_saves_and_reloads(
    version_dir: Path, tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)  # the smoke's config paths are relative to the repository root
    model_dir = Path(shutil.copytree(tiny_model_dir, tmp_path / "tiny"))
    report = run_smoke(version_dir, model_dir, tmp_path / "out")
    assert report.checks["two_processes"]
    losses = [p["loss"] for p in report.curve]
    accuracies = [p["reward_accuracy"] for p in report.curve]
    assert [p["step"] for p in report.curve] == list(range(1, 21))
    assert sum(losses[-WINDOW:]) / WINDOW < sum(losses[:WINDOW]) / WINDOW
    assert sum(accuracies[-WINDOW:]) / WINDOW > 0.5
    assert report.details["generated"]  # the saved folder reloaded and produced tokens
    assert report.ok, report.checks
    assert (tmp_path / "out" / "smoke_report.json").is_file()


def test_without_a_build_the_smoke_says_run_make_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data", str(tmp_path / "missing"), "--output", str(tmp_path / "out")]) == 2
    assert "make data" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []
