"""A training config: one YAML file, four sections, checked before any model or data is touched.

```yaml
model:     # what to train: model_name_or_path, tokenizer_name_or_path, revision, dtype, attn_implementation,
           # chat_template (zephyr | model), system_message (null = none, "" = Notus' empty system turn)
data:      # which rows: max_prompt_tokens (replaces TRL's removed max_prompt_length), max_train_rows,
           # max_eval_rows, selection_seed, drop_special_token_text
lora:      # optional: r, lora_alpha, lora_dropout, target_modules, load_in_4bit, bnb_4bit_* (QLoRA)
training:  # keyword arguments of trl.DPOConfig (beta, learning_rate, max_length, ...), checked by name
```

Sections keep the three owners apart (our data handling, PEFT, TRL), so a key in the wrong place is a clear
error instead of an argument silently ignored. `training.output_dir` is not allowed: the output folder is the
command's `--output` (it is also where lineage is written, so it must not be set in two places).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from notus.core.errors import UsageError, first_line
from notus.train.chat_template import KEEP_MODEL_TEMPLATE, TEMPLATES

# Keys TRL or transformers removed or renamed, with what to write instead.
REPLACED_TRAINING_KEYS = {
    "max_prompt_length": "TRL 1.16 removed it: set data.max_prompt_tokens (rows with longer prompts are dropped "
    "and listed in training_data.json) and training.max_length",
    "max_completion_length": "TRL 1.16 removed it: training.max_length bounds prompt + completion",
    "max_target_length": "TRL 1.16 removed it: training.max_length bounds prompt + completion",
    "gradient_checkpointing": "transformers 5 renamed it: write activation_checkpointing",
    "gradient_checkpointing_kwargs": "transformers 5 renamed it: write activation_checkpointing_kwargs",
    "evaluation_strategy": "transformers renamed it: write eval_strategy",
    "warmup_ratio": "transformers 5 removed it: write warmup_steps: 0.1 (a float below 1 is a ratio of all steps)",
    "torch_dtype": "transformers 5 renamed it: write model.dtype",
    "output_dir": "the output folder is the command's --output",
    "model_init_kwargs": "set model.dtype / model.attn_implementation / model.revision instead",
}
SECTIONS = ("model", "data", "lora", "training")
DTYPES = ("auto", "float32", "bfloat16", "float16")


@dataclass(frozen=True)
class ModelArgs:
    model_name_or_path: str
    tokenizer_name_or_path: str | None = None
    revision: str | None = None
    dtype: str = "auto"
    attn_implementation: str | None = None
    chat_template: str = "zephyr"
    system_message: str | None = None
    trust_remote_code: bool = False


@dataclass(frozen=True)
class DataArgs:
    max_prompt_tokens: int | None = None
    max_train_rows: int | None = None
    max_eval_rows: int | None = None
    selection_seed: int = 42
    drop_special_token_text: bool = True


@dataclass(frozen=True)
class LoraArgs:
    r: int = 16
    lora_alpha: int = 16
    lora_dropout: float = 0.05
    target_modules: list[str] | str = "all-linear"
    load_in_4bit: bool = False
    bnb_4bit_quant_type: str = "nf4"
    bnb_4bit_compute_dtype: str = "bfloat16"
    bnb_4bit_use_double_quant: bool = False


@dataclass(frozen=True)
class TrainConfig:
    path: Path
    text: str
    model: ModelArgs
    data: DataArgs
    lora: LoraArgs | None
    training: dict[str, Any] = field(default_factory=dict)
    overrides: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path.stem

    def as_dict(self) -> dict[str, Any]:
        """The config as written to training_data.json and the model card."""
        return {
            "model": dataclasses.asdict(self.model),
            "data": dataclasses.asdict(self.data),
            "lora": dataclasses.asdict(self.lora) if self.lora else None,
            "training": dict(self.training),
            "overrides": list(self.overrides),
        }


def _section(cls: type, raw: Any, where: str) -> Any:
    if not isinstance(raw, dict):
        raise UsageError(f"{where}: must be a mapping, got {type(raw).__name__}")
    names = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - set(names))
    if unknown:
        raise UsageError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(names)})")
    try:
        obj = cls(**raw)
    except TypeError as exc:  # a required key is missing
        raise UsageError(f"{where}: {exc}") from None
    for name, hint in typing.get_type_hints(cls).items():
        value = getattr(obj, name)
        allowed = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        if not any(_is_instance(value, t) for t in allowed):
            raise UsageError(f"{where}.{name}: expected {_type_name(hint)}, got {value!r}")
    return obj


def _is_instance(value: Any, hint: Any) -> bool:
    if hint is type(None):
        return value is None
    origin = typing.get_origin(hint) or hint
    if origin is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if origin is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin is list:
        (item,) = typing.get_args(hint) or (Any,)
        return isinstance(value, list) and (item is Any or all(isinstance(v, item) for v in value))
    return isinstance(value, origin)


def _type_name(hint: Any) -> str:
    return str(hint).replace("typing.", "").replace("<class '", "").replace("'>", "")


def _check_model(m: ModelArgs, where: str) -> None:
    if m.dtype not in DTYPES:
        raise UsageError(f"{where}.dtype: '{m.dtype}' is not one of {', '.join(DTYPES)}")
    if m.chat_template not in (*TEMPLATES, KEEP_MODEL_TEMPLATE):
        raise UsageError(
            f"{where}.chat_template: '{m.chat_template}' is not one of {', '.join([*TEMPLATES, KEEP_MODEL_TEMPLATE])}"
        )


def _check_data(d: DataArgs, where: str) -> None:
    for key in ("max_prompt_tokens", "max_train_rows", "max_eval_rows"):
        value = getattr(d, key)
        if value is not None and value < 1:
            raise UsageError(f"{where}.{key}: must be a positive integer or null, got {value}")


def _check_training(training: Any, where: str) -> dict[str, Any]:
    from trl import DPOConfig

    if not isinstance(training, dict):
        raise UsageError(f"{where}: must be a mapping of trl.DPOConfig arguments")
    for key in training:
        if key in REPLACED_TRAINING_KEYS:
            raise UsageError(f"{where}.{key}: not accepted: {REPLACED_TRAINING_KEYS[key]}")
    known = {f.name for f in dataclasses.fields(DPOConfig) if f.init}
    unknown = sorted(set(training) - known)
    if unknown:
        raise UsageError(f"{where}: unknown trl.DPOConfig argument(s) {', '.join(unknown)}")
    return dict(training)


def apply_overrides(raw: dict[str, Any], overrides: tuple[str, ...]) -> None:
    """`section.key=value` (value read as YAML), e.g. `training.max_steps=5`, applied over the file."""
    for item in overrides:
        target, sep, value = item.partition("=")
        section, dot, key = target.partition(".")
        if not sep or not dot or not key:
            raise UsageError(f"--set {item}: expected SECTION.KEY=VALUE, e.g. training.max_steps=5")
        if section not in SECTIONS:
            raise UsageError(f"--set {item}: unknown section '{section}' (allowed: {', '.join(SECTIONS)})")
        if not isinstance(raw.get(section) or {}, dict):
            raise UsageError(f"--set {item}: section '{section}' is not a mapping")
        try:
            raw[section] = {**(raw.get(section) or {}), key: yaml.safe_load(value)}
        except yaml.YAMLError:
            raise UsageError(f"--set {item}: the value is not valid YAML") from None


def parse_config(text: str, path: Path, overrides: tuple[str, ...] = ()) -> TrainConfig:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: not valid YAML: {first_line(exc)}") from None
    if not isinstance(raw, dict):
        raise UsageError(f"{path}: a training config is a mapping with sections {', '.join(SECTIONS)}")
    apply_overrides(raw, overrides)
    unknown = sorted(set(raw) - set(SECTIONS))
    if unknown:
        raise UsageError(f"{path}: unknown section(s) {', '.join(map(str, unknown))} (allowed: {', '.join(SECTIONS)})")
    if "model" not in raw:
        raise UsageError(f"{path}: missing section 'model' (model_name_or_path at least)")
    model = _section(ModelArgs, raw["model"], f"{path}: model")
    _check_model(model, f"{path}: model")
    data = _section(DataArgs, raw.get("data") or {}, f"{path}: data")
    _check_data(data, f"{path}: data")
    lora = _section(LoraArgs, raw["lora"], f"{path}: lora") if raw.get("lora") is not None else None
    training = _check_training(raw.get("training") or {}, f"{path}: training")
    max_length = training.get("max_length", 1024)
    if data.max_prompt_tokens is not None and max_length is not None and data.max_prompt_tokens >= max_length:
        raise UsageError(
            f"{path}: data.max_prompt_tokens ({data.max_prompt_tokens}) must be below training.max_length "
            f"({max_length}), or no completion token would remain"
        )
    return TrainConfig(
        path=path, text=text, model=model, data=data, lora=lora, training=training, overrides=tuple(overrides)
    )


def load_config(path: str | Path, overrides: tuple[str, ...] = ()) -> TrainConfig:
    p = Path(path)
    try:
        text = p.read_text()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read training config: {exc.strerror or exc}") from None
    return parse_config(text, p, overrides)


def build_dpo_config(cfg: TrainConfig, output_dir: Path):  # -> trl.DPOConfig
    """The DPOConfig for this run: the `training` section plus what the other sections and the machine imply.

    Defaults set here, each only when the config does not say otherwise: `use_cpu` on a machine without CUDA
    (without it, processes started by `accelerate launch --multi_gpu` on CPU each train alone instead of
    joining one gloo group), `report_to: none` (no tracker login on a cluster node by surprise), and
    `activation_checkpointing` at TRL's own default (True) under its transformers 5 name.
    """
    import torch
    from trl import DPOConfig

    kwargs = dict(cfg.training)
    kwargs.setdefault("report_to", "none")
    kwargs.setdefault("activation_checkpointing", True)
    if not torch.cuda.is_available():
        kwargs.setdefault("use_cpu", True)
    init: dict[str, Any] = {}
    if cfg.model.dtype != "auto":
        init["dtype"] = cfg.model.dtype
    if cfg.model.attn_implementation:
        init["attn_implementation"] = cfg.model.attn_implementation
    if cfg.model.revision:
        init["revision"] = cfg.model.revision
    try:
        return DPOConfig(
            output_dir=str(output_dir),
            model_init_kwargs=init or None,
            trust_remote_code=cfg.model.trust_remote_code,
            **kwargs,
        )
    except (ValueError, TypeError) as exc:
        raise UsageError(f"{cfg.path}: training: {first_line(exc)}") from None
