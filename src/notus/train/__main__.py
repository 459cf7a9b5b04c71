"""`python -m notus.train CONFIG.yaml --data VERSION_DIR [--output DIR]`: the entry `accelerate launch` runs.

`accelerate launch -m notus.train ...` starts this module once per process; every process trains its shard
and only the main one prints the summary. Errors are one line and an exit code, as in the `notus` CLI.
"""

from __future__ import annotations

import argparse
import os
import sys

from notus.core.errors import NotusError


def build_parser(prog: str = "python -m notus.train") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="DPO training on a notus version (TRL DPOTrainer).")
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("config", help="training config YAML (configs/train/*.yaml)")
    parser.add_argument("--data", required=True, help="version folder (or a pipeline folder: its latest)")
    parser.add_argument("--output", help="output folder (default data/build/train/<config>/<version id>)")
    parser.add_argument("--overwrite", action="store_true", help="replace a finished run in the output folder")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="SECTION.KEY=VALUE",
        help="override a config key, e.g. training.max_steps=5 (recorded in training_data.json)",
    )


def run(args: argparse.Namespace) -> int:
    from notus.train.run import train

    result = train(args.config, args.data, args.output, overwrite=args.overwrite, overrides=tuple(args.overrides))
    if int(os.environ.get("RANK", "0")) == 0:
        tp = result.throughput
        print(f"notus train: model and lineage written to {result.output_dir}")
        if tp.get("tokens_per_second"):
            print(
                f"notus train: {tp['steps']} steps, {tp['tokens_per_second']:.0f} tokens/s, "
                f"{tp['pairs_per_second']:.3g} pairs/s on {tp['world_size']} x {tp['device']}"
            )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except NotusError as exc:
        print(f"notus train: error: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
