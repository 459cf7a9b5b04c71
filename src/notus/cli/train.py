"""`notus train CONFIG.yaml --data VERSION_DIR`: DPO training on a built version.

In-process by default (one process, or each process when this very command runs under `accelerate launch`).
`--launch ACCELERATE_CONFIG` starts the processes itself, e.g. `--launch configs/accelerate/ddp.yaml`; it is
the same as `accelerate launch --config_file ACCELERATE_CONFIG -m notus.train CONFIG.yaml --data ...`.
"""

from __future__ import annotations

import argparse

from notus.train.__main__ import add_arguments
from notus.train.__main__ import run as run_in_process


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train",
        help="DPO-train a model on a version's preferences (TRL DPOTrainer)",
        description="Train with DPO on the train split of VERSION_DIR's preferences, evaluate on its test split, "
        "and write the model, training_data.json (lineage), throughput.json and a model card to --output.",
    )
    add_arguments(p)
    p.add_argument(
        "--launch",
        metavar="ACCELERATE_CONFIG",
        help="start the processes with `accelerate launch --config_file ACCELERATE_CONFIG` (configs/accelerate/)",
    )
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    if not args.launch:
        return run_in_process(args)
    from notus.train.launch import launch_command, run_launch

    argv = launch_command(
        args.launch, args.config, args.data, args.output, overwrite=args.overwrite, overrides=tuple(args.overrides)
    )
    run_launch(argv)
    return 0
