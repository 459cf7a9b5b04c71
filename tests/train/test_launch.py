from __future__ import annotations

import sys
from pathlib import Path

import pytest

from notus.core.errors import DataError, UsageError
from notus.train.launch import child_env, launch_command, run_launch
from tests.support.paths import REPO

CPU_2PROC = REPO / "configs" / "accelerate" / "cpu_2proc.yaml"


def test_launch_command_runs_accelerate_with_this_interpreter() -> None:
    argv = launch_command(CPU_2PROC, "c.yaml", "v", "out", overwrite=True, overrides=("training.max_steps=2",))
    assert argv[:5] == [sys.executable, "-m", "accelerate.commands.launch", "--config_file", str(CPU_2PROC)]
    assert argv[5:] == [
        "-m",
        "notus.train",
        "c.yaml",
        "--data",
        "v",
        "--output",
        "out",
        "--overwrite",
        "--set",
        "training.max_steps=2",
    ]


def test_missing_accelerate_config(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such accelerate config"):
        launch_command(tmp_path / "nope.yaml", "c.yaml", "v")


def test_cpu_config_launches_two_processes_not_one() -> None:
    """`--cpu`/MULTI_CPU silently starts one process; the shipped CPU config must be a MULTI_GPU launch of 2."""
    import yaml

    config = yaml.safe_load(CPU_2PROC.read_text())
    assert config["distributed_type"] == "MULTI_GPU" and config["num_processes"] == 2
    assert config["mixed_precision"] == "no"


def test_child_environment_is_offline_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    env = child_env(offline=True)
    assert env["HF_HUB_OFFLINE"] == "1" and env["HF_HUB_DISABLE_TELEMETRY"] == "1"


def test_a_failing_launch_is_a_data_error() -> None:
    with pytest.raises(DataError, match="exit code 3"):
        run_launch([sys.executable, "-c", "raise SystemExit(3)", "-", "-", "x"])
