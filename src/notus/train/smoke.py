"""`make train-smoke`: DPO end to end, offline, on two CPU processes, with checks on what came out.

1. Build (once; cached by fingerprint) a tiny random Llama and a byte-level BPE tokenizer trained on the
   version's train split (`notus.train.tiny`).
2. `accelerate launch` two CPU processes (gloo DDP) running `python -m notus.train configs/train/smoke.yaml`
   on the version's preferences for 20 steps.
3. Check the run: training loss falls, reward accuracy over the last steps is above chance (0.5), the output
   has its lineage and throughput files, and the saved model reloads and generates.

It tests plumbing, not quality: the learning rate is far above a real recipe's so that a random model
learns the training pairs within 20 steps. Run from the repository root, after `make data`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notus.core.errors import NotusError, UsageError
from notus.core.version import Version

DEFAULT_DATA = Path("data/build/notus/latest")
DEFAULT_MODEL = Path("data/build/tiny-model")
DEFAULT_OUTPUT = Path("data/build/train-smoke")
SMOKE_CONFIG = Path("configs/train/smoke.yaml")
CPU_2PROC = Path("configs/accelerate/cpu_2proc.yaml")
WINDOW = 5  # steps averaged at each end of the loss curve


@dataclass
class SmokeReport:
    curve: list[dict[str, float]]
    checks: dict[str, bool] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(self.checks.values())


def loss_curve(log_history: list[dict[str, Any]]) -> list[dict[str, float]]:
    return [
        {
            "step": int(r["step"]),
            "loss": float(r["loss"]),
            "reward_accuracy": float(r["rewards/accuracies"]),
            "reward_margin": float(r["rewards/margins"]),
        }
        for r in log_history
        if "loss" in r and "rewards/accuracies" in r
    ]


def reload_and_generate(out: Path, system_message: str | None) -> str:
    """Load the saved folder the way a user would and greedily generate a few tokens from a chat prompt."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(out)
    model = AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32)
    messages = [{"role": "user", "content": "How do I cook a steak in the oven?"}]
    if system_message is not None:
        messages.insert(0, {"role": "system", "content": system_message})
    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
    with torch.no_grad():
        generated = model.generate(**inputs, max_new_tokens=16, do_sample=False)
    new_tokens = generated[0, inputs["input_ids"].shape[1] :]
    return tokenizer.decode(new_tokens, skip_special_tokens=False) if len(new_tokens) else ""


def check_run(out: Path, version_id: str) -> SmokeReport:
    history = json.loads((out / "log_history.json").read_text())
    report = SmokeReport(curve=loss_curve(history))
    losses = [p["loss"] for p in report.curve]
    accuracies = [p["reward_accuracy"] for p in report.curve]
    if len(losses) < 2 * WINDOW:
        report.checks["enough_steps_logged"] = False
        return report
    first, last = statistics.fmean(losses[:WINDOW]), statistics.fmean(losses[-WINDOW:])
    last_accuracy = statistics.fmean(accuracies[-WINDOW:])
    lineage = json.loads((out / "training_data.json").read_text())
    throughput = json.loads((out / "throughput.json").read_text())
    text = reload_and_generate(out, lineage["config"]["model"]["system_message"])
    report.details = {
        "loss_first_steps": first,
        "loss_last_steps": last,
        "reward_accuracy_last_steps": last_accuracy,
        "eval": json.loads((out / "metrics.json").read_text()),
        "throughput": throughput,
        "generated": text,
        "rows_used": {k: v["rows_used"] for k, v in lineage["splits"].items()},
        "world_size": lineage["world_size"],
    }
    report.checks = {
        "loss_falls": last < first,
        "reward_accuracy_above_chance": last_accuracy > 0.5,
        "two_processes": lineage["world_size"] == 2,
        "lineage_names_version": lineage["data"]["version_id"] == version_id,
        "throughput_written": bool(throughput.get("tokens_per_second")),
        "model_card_written": (out / "README.md").is_file(),
        "reloads_and_generates": len(text) > 0,
    }
    return report


def print_report(report: SmokeReport) -> None:
    print("step   loss    reward_acc  margin")
    for p in report.curve:
        print(f"{p['step']:>4}  {p['loss']:.4f}  {p['reward_accuracy']:.3f}       {p['reward_margin']:+.3f}")
    d = report.details
    if d:
        tp = d["throughput"]
        print(
            f"loss {d['loss_first_steps']:.4f} (first {WINDOW} steps) -> {d['loss_last_steps']:.4f} (last {WINDOW}); "
            f"reward accuracy over the last {WINDOW} steps {d['reward_accuracy_last_steps']:.3f}"
        )
        print(
            f"eval (test split): loss {d['eval'].get('eval_loss', float('nan')):.4f}, reward accuracy "
            f"{d['eval'].get('eval_rewards/accuracies', float('nan')):.3f}; rows used {d['rows_used']}"
        )
        print(
            f"throughput: {tp['tokens_per_second']:.0f} tokens/s, {tp['pairs_per_second']:.3g} pairs/s "
            f"({tp['world_size']} x {tp['device']}, {tp['precision']})"
        )
        print(f"generated after reload: {d['generated']!r}")
    for name, passed in report.checks.items():
        print(f"{'ok  ' if passed else 'FAIL'} {name}")


def run_smoke(
    data: Path, model_dir: Path, output: Path, config: Path = SMOKE_CONFIG, accelerate_config: Path = CPU_2PROC
) -> SmokeReport:
    from notus.train.data import chat_corpus, open_verified
    from notus.train.launch import launch_command, run_launch
    from notus.train.tiny import ensure_tiny

    if not Path(data).exists():
        raise UsageError(f"{data}: no such version; run `make data` first (or pass --data VERSION_DIR)")
    version: Version = open_verified(str(data))
    model_dir, built = ensure_tiny(model_dir, lambda: chat_corpus(version), corpus_id=version.version_id)
    print(f"tiny model: {model_dir} ({'built' if built else 'cached'})")
    argv = launch_command(
        accelerate_config,
        config,
        version.path,
        output,
        overwrite=True,
        overrides=(f"model.model_name_or_path={model_dir}",),
    )
    run_launch(argv, offline=True)
    report = check_run(Path(output), version.version_id)
    (Path(output) / "smoke_report.json").write_text(
        json.dumps({"curve": report.curve, "checks": report.checks, "details": report.details}, indent=2) + "\n"
    )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m notus.train.smoke", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"version folder (default {DEFAULT_DATA})")
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL, help="where the tiny model is cached")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="run output folder (replaced)")
    args = parser.parse_args(argv)
    try:
        report = run_smoke(args.data, args.model_dir, args.output)
    except NotusError as exc:
        print(f"train-smoke: error: {exc}", file=sys.stderr)
        return exc.exit_code
    print_report(report)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
