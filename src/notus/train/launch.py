"""The `accelerate launch` command line for a training run, and running it.

Kept apart from the training code so the smoke run and `notus train --launch` start processes the same way:
the current interpreter runs accelerate's launcher as a module (no reliance on a `accelerate` script on
PATH), and the child environment is pinned offline-safe (no Hub calls, no telemetry, no tokenizer thread
pools fighting the training processes for the same cores).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from notus.core.errors import DataError, UsageError

CHILD_ENV = {"HF_HUB_DISABLE_TELEMETRY": "1", "TOKENIZERS_PARALLELISM": "false"}


def launch_command(
    accelerate_config: str | Path,
    config: str | Path,
    data: str | Path,
    output: str | Path | None = None,
    overwrite: bool = False,
    overrides: tuple[str, ...] = (),
) -> list[str]:
    if not Path(accelerate_config).is_file():
        raise UsageError(f"{accelerate_config}: no such accelerate config")
    argv = [sys.executable, "-m", "accelerate.commands.launch", "--config_file", str(accelerate_config)]
    argv += ["-m", "notus.train", str(config), "--data", str(data)]
    if output:
        argv += ["--output", str(output)]
    if overwrite:
        argv.append("--overwrite")
    for item in overrides:
        argv += ["--set", item]
    return argv


def child_env(offline: bool = False) -> dict[str, str]:
    env = {**os.environ, **CHILD_ENV}
    if offline:
        env.setdefault("HF_HUB_OFFLINE", "1")
        env.setdefault("HF_DATASETS_OFFLINE", "1")
    return env


def run_launch(argv: list[str], offline: bool = False) -> None:
    """Run the launch in the foreground; a failing process group is one DataError naming the exit code."""
    done = subprocess.run(argv, env=child_env(offline), check=False)
    if done.returncode != 0:
        raise DataError(f"training launch failed with exit code {done.returncode}: {' '.join(argv[3:])}")
