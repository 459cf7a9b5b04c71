"""One DPO run: config + verified version in, trained model + lineage + throughput out.

The same function runs in one process (`notus train`) and in each process `accelerate launch -m
notus.train` starts; only the main process writes lineage files. Dataset preparation runs on the main
process first so the others reuse the `datasets` cache instead of racing to build it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from notus.core import pins
from notus.core.errors import DataError, UsageError, first_line
from notus.train.chat_template import KEEP_MODEL_TEMPLATE, TEMPLATES
from notus.train.config import TrainConfig, build_dpo_config, load_config
from notus.train.data import (
    SplitAccount,
    drop_long_prompts,
    drop_special_token_text,
    load_split,
    open_verified,
    select_rows,
    to_trl,
)
from notus.train.lineage import model_card, training_data, write_model_card, write_training_data
from notus.train.throughput import ThroughputCallback, write_throughput

DEFAULT_OUTPUT_ROOT = Path("data/build/train")
DATA_FORMAT = (
    "TRL conversational, explicit prompt: prompt = [system?, user], chosen/rejected = [assistant]; "
    "the template writes one EOS per turn and TRL adds none"
)
LOG_HISTORY_FILE = "log_history.json"
METRICS_FILE = "metrics.json"


@dataclass(frozen=True)
class RunResult:
    output_dir: Path
    metrics: dict[str, Any]
    throughput: dict[str, Any]
    log_history: list[dict[str, Any]]


def default_output_dir(cfg: TrainConfig, version_id: str) -> Path:
    return DEFAULT_OUTPUT_ROOT / cfg.name / version_id


def load_tokenizer(cfg: TrainConfig):  # -> PreTrainedTokenizerBase
    from transformers import AutoTokenizer

    name = cfg.model.tokenizer_name_or_path or cfg.model.model_name_or_path
    try:
        tokenizer = AutoTokenizer.from_pretrained(
            name, revision=cfg.model.revision, trust_remote_code=cfg.model.trust_remote_code
        )
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot load tokenizer '{name}': {first_line(exc)}") from None
    if cfg.model.chat_template in TEMPLATES:
        tokenizer.chat_template = TEMPLATES[cfg.model.chat_template]
    elif cfg.model.chat_template == KEEP_MODEL_TEMPLATE and not tokenizer.chat_template:
        raise UsageError(f"{cfg.path}: model.chat_template is 'model' but tokenizer '{name}' has no chat template")
    if tokenizer.eos_token is None:
        raise DataError(f"tokenizer '{name}' has no EOS token; the chat template needs one to end turns")
    return tokenizer


def peft_arguments(cfg: TrainConfig) -> tuple[Any, Any]:
    """(peft_config, quantization_config) for the trainer, or (None, None) without a lora section."""
    if cfg.lora is None:
        return None, None
    try:
        from peft import LoraConfig
    except ImportError:
        raise UsageError(f"{cfg.path}: the lora section needs the 'peft' package (pip install peft)") from None
    peft_config = LoraConfig(
        r=cfg.lora.r,
        lora_alpha=cfg.lora.lora_alpha,
        lora_dropout=cfg.lora.lora_dropout,
        target_modules=cfg.lora.target_modules,
        task_type="CAUSAL_LM",
    )
    if not cfg.lora.load_in_4bit:
        return peft_config, None
    import torch
    from transformers import BitsAndBytesConfig
    from transformers.utils import is_bitsandbytes_available

    if not (is_bitsandbytes_available() and torch.cuda.is_available()):
        raise UsageError(f"{cfg.path}: lora.load_in_4bit (QLoRA) needs a CUDA GPU and the 'bitsandbytes' package")
    quantization = BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type=cfg.lora.bnb_4bit_quant_type,
        bnb_4bit_compute_dtype=getattr(torch, cfg.lora.bnb_4bit_compute_dtype),
        bnb_4bit_use_double_quant=cfg.lora.bnb_4bit_use_double_quant,
    )
    return peft_config, quantization


def check_world_size(args: Any) -> None:
    """Refuse a launch whose processes would each train alone (accelerate `--cpu` / MULTI_CPU traps)."""
    launched = int(os.environ.get("WORLD_SIZE", "1"))
    if launched != args.world_size:
        raise UsageError(
            f"launched {launched} processes but training would run {args.world_size} group(s) of one: "
            "on CPU launch with `accelerate launch --multi_gpu` (configs/accelerate/cpu_2proc.yaml) and use_cpu"
        )


def _trl_account(account: SplitAccount, before: Any, after: Any, max_length: int | None) -> None:
    account.dropped_by_trl = len(before) - len(after)
    if max_length is not None and len(after):
        lengths = zip(after["prompt_ids"], after["chosen_ids"], after["rejected_ids"], strict=True)
        account.truncated_by_trl = sum(len(p) + max(len(c), len(r)) > max_length for p, c, r in lengths)
    account.used = len(after)


def train(
    config_path: str | Path,
    data_dir: str | Path,
    output_dir: str | Path | None = None,
    overwrite: bool = False,
    overrides: tuple[str, ...] = (),
) -> RunResult:
    cfg = load_config(config_path, overrides)
    version = open_verified(str(data_dir))
    out = Path(output_dir) if output_dir else default_output_dir(cfg, version.version_id)
    if (out / "training_data.json").exists() and not overwrite:
        raise UsageError(f"{out}: holds a finished run; pass --overwrite or choose another --output")
    pins.keep_used(version.path, version.pipeline, f"trained on by {out}")  # before gc could take it mid-run
    args = build_dpo_config(cfg, out)
    check_world_size(args)
    tokenizer = load_tokenizer(cfg)
    peft_config, quantization = peft_arguments(cfg)

    accounts = {"train": SplitAccount(), "test": SplitAccount()}
    prepared = {}
    with args.main_process_first(desc="preparing preferences"):
        for split, limit in (("train", cfg.data.max_train_rows), ("test", cfg.data.max_eval_rows)):
            rows = load_split(version, split)
            accounts[split].in_version = len(rows)
            selected = select_rows(rows, limit, cfg.data.selection_seed)
            accounts[split].not_selected = len(rows) - len(selected)
            rows = to_trl(selected, cfg.model.system_message)
            if cfg.data.drop_special_token_text:
                rows, accounts[split].dropped_special_token_text = drop_special_token_text(rows, tokenizer)
            rows, accounts[split].dropped_long_prompt = drop_long_prompts(rows, tokenizer, cfg.data.max_prompt_tokens)
            prepared[split] = rows
    if len(prepared["train"]) == 0:
        raise DataError(f"{version.path}: no train rows left to train on ({accounts['train'].as_dict()})")
    eval_rows = prepared["test"] if len(prepared["test"]) else None
    if eval_rows is None and str(getattr(args.eval_strategy, "value", args.eval_strategy)) != "no":
        raise DataError(
            f"{version.path}: no test rows to evaluate on ({accounts['test'].as_dict()['rows_in_version']} in the "
            "version) but training.eval_strategy asks for evaluation; set it to 'no' or rebuild with a test split"
        )

    from trl import DPOTrainer

    throughput = ThroughputCallback()
    try:
        trainer = DPOTrainer(
            model=cfg.model.model_name_or_path,
            args=args,
            train_dataset=prepared["train"],
            eval_dataset=eval_rows,
            processing_class=tokenizer,
            peft_config=peft_config,
            quantization_config=quantization,
            callbacks=[throughput],
        )
    except OSError as exc:
        raise DataError(f"cannot load model '{cfg.model.model_name_or_path}': {first_line(exc)}") from None
    _trl_account(accounts["train"], prepared["train"], trainer.train_dataset, args.max_length)
    if eval_rows is not None:
        _trl_account(accounts["test"], eval_rows, trainer.eval_dataset, args.max_length)

    trainer.train()
    metrics = trainer.evaluate() if eval_rows is not None else {}
    trainer.save_model(str(out))
    result = RunResult(out, metrics, throughput.summary, list(trainer.state.log_history))
    if trainer.is_world_process_zero():
        tokenizer.save_pretrained(str(out))
        record = training_data(cfg, version, accounts, DATA_FORMAT, args.world_size)
        write_training_data(out, record)
        write_throughput(out, throughput.summary)
        (out / LOG_HISTORY_FILE).write_text(json.dumps(result.log_history, indent=2) + "\n")
        (out / METRICS_FILE).write_text(json.dumps(metrics, indent=2) + "\n")
        write_model_card(out, model_card(record, metrics, throughput.summary, adapter_only=peft_config is not None))
    trainer.accelerator.wait_for_everyone()
    return result
