"""Where a trained model came from: `training_data.json` and a README.md model card in the output folder.

A model is only as explainable as its data, so the output names the exact version (id, pipeline, the
Parquet files with their sha256), how many rows of each split reached the trainer and why the others did
not, and the whole config (as parsed and as written). Anyone holding the version can rebuild the run with
the command the card prints.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shlex
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from notus.core.version import Version
from notus.train.config import TrainConfig
from notus.train.data import TABLE, SplitAccount

TRAINING_DATA_FILE = "training_data.json"
MODEL_CARD_FILE = "README.md"
PACKAGES = ("notus", "trl", "transformers", "torch", "accelerate", "datasets", "tokenizers", "peft")


def package_versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def training_data(
    cfg: TrainConfig,
    data: Version,
    accounts: dict[str, SplitAccount],
    data_format: str,
    world_size: int,
) -> dict[str, Any]:
    table = data.table(TABLE)
    return {
        "data": {
            "version_id": data.version_id,
            "pipeline": data.pipeline,
            "path": str(data.path),
            "created_at": data.manifest.get("created_at"),
            "params": data.params,
            "table": TABLE,
            "files": [{"path": p, "sha256": h} for p, h in zip(table["files"], table["sha256"], strict=True)],
            "rows": table["rows"],
        },
        "splits": {"train": accounts["train"].as_dict(), "eval": accounts["test"].as_dict()},
        "eval_split": "test",
        "format": data_format,
        "config": cfg.as_dict(),
        "config_file": str(cfg.path),
        "config_sha256": hashlib.sha256(cfg.text.encode()).hexdigest(),
        "config_text": cfg.text,
        "world_size": world_size,
        "versions": package_versions(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_training_data(out_dir: Path, record: dict[str, Any]) -> Path:
    path = Path(out_dir) / TRAINING_DATA_FILE
    path.write_text(json.dumps(record, indent=2, default=str) + "\n")
    return path


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def model_card(record: dict[str, Any], metrics: dict[str, Any], throughput: dict[str, Any], adapter_only: bool) -> str:
    cfg = record["config"]
    base = cfg["model"]["model_name_or_path"]
    data = record["data"]
    splits = record["splits"]
    training = cfg["training"]
    lines = [
        "---",
        f"base_model: {base}",
        "library_name: peft" if adapter_only else "library_name: transformers",
        "tags: [dpo, trl, notus]",
        "---",
        "",
        f"# DPO fine-tune of {base}",
        "",
        f"Trained with TRL's DPOTrainer on the `{TABLE}` table of notus version `{data['version_id']}` "
        f"(pipeline `{data['pipeline']}`).",
        "This folder holds a LoRA adapter, not full weights." if adapter_only else "",
        "",
        "## Data",
        "",
        "| split | rows in version | not selected | dropped: special-token text | dropped: prompt > "
        "max_prompt_tokens | dropped by TRL (prompt >= max_length) | truncated to max_length | used |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, s in splits.items():
        lines.append(
            f"| {name} | {s['rows_in_version']} | {s['rows_not_selected']} | "
            f"{s['rows_dropped_special_token_text']} | {s['rows_dropped_long_prompt']} | "
            f"{s['rows_dropped_by_trl_max_length']} | {s['rows_truncated_to_max_length']} | {s['rows_used']} |"
        )
    lines += [
        "",
        f"Format: {record['format']}. Chat template: `{cfg['model']['chat_template']}`, system message: "
        f"{json.dumps(cfg['model']['system_message'])}.",
        f"Files: {', '.join(f['path'] + ' (sha256 ' + f['sha256'][:12] + '…)' for f in data['files'])}.",
        "",
        "## Training",
        "",
        "| key | value |",
        "|---|---|",
    ]
    lines += [f"| {k} | {_fmt(v)} |" for k, v in sorted(training.items())]
    if cfg.get("lora"):
        lines += [f"| lora.{k} | {_fmt(v)} |" for k, v in sorted(cfg["lora"].items())]
    lines += [f"| world_size | {record['world_size']} |", "", "## Results", ""]
    if metrics:
        lines += ["| metric | value |", "|---|---|"] + [f"| {k} | {_fmt(v)} |" for k, v in sorted(metrics.items())]
    else:
        lines.append("No evaluation was run.")
    if throughput.get("tokens_per_second"):
        lines += [
            "",
            f"Throughput: {throughput['tokens_per_second']:.0f} tokens/s, {throughput['pairs_per_second']:.3g} "
            f"pairs/s over {throughput['steps']} steps on {throughput['world_size']} × {throughput['device']} "
            f"({throughput['precision']}); see throughput.json.",
        ]
    lines += [
        "",
        "## Reproduce",
        "",
        "```",
        f"notus train {record['config_file']} --data <folder of version {data['version_id']}>"
        + "".join(f" --set {shlex.quote(o)}" for o in cfg.get("overrides", [])),
        "```",
        "",
        f"Lineage: training_data.json (config sha256 {record['config_sha256'][:12]}…). "
        f"Versions: {', '.join(f'{k} {v}' for k, v in record['versions'].items() if v)}.",
        "",
    ]
    return "\n".join(line for line in lines if line is not None)


def write_model_card(out_dir: Path, text: str) -> Path:
    path = Path(out_dir) / MODEL_CARD_FILE
    path.write_text(text)
    return path
