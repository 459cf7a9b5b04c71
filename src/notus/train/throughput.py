"""Training throughput, measured on the optimizer steps themselves and written next to the model.

Tokens are TRL's `num_tokens` log entry: non-padding tokens of the chosen and the rejected sequence of every
pair (so the prompt counts twice), summed over all processes. Time is the sum of step durations
(step begin to step end on the main process), so evaluation, checkpointing and logging pauses do not dilute
the figure. Pairs are optimizer steps x global batch size (the last batch of an epoch may be smaller; under
DDP the sampler pads it by repeating pairs, which the GPUs do process). The first step is reported apart
and excluded from the steady-state rate: it pays for allocator warm-up and, on GPU, kernel selection.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments

THROUGHPUT_FILE = "throughput.json"


class ThroughputCallback(TrainerCallback):
    def __init__(self) -> None:
        self.step_seconds: list[float] = []
        self.tokens_at_step: dict[int, int] = {}
        self._step_start = 0.0
        self.summary: dict[str, Any] = {}

    def on_step_begin(self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kw: Any) -> None:
        self._step_start = time.perf_counter()

    def on_step_end(self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kw: Any) -> None:
        self.step_seconds.append(time.perf_counter() - self._step_start)

    def on_log(
        self,
        args: TrainingArguments,
        state: TrainerState,
        control: TrainerControl,
        logs: dict[str, float] | None = None,
        **kw: Any,
    ) -> None:
        if logs and "num_tokens" in logs and "loss" in logs:
            self.tokens_at_step[state.global_step] = int(logs["num_tokens"])

    def on_train_end(self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kw: Any) -> None:
        self.summary = summarize(
            self.step_seconds,
            self.tokens_at_step,
            global_batch=args.per_device_train_batch_size * args.gradient_accumulation_steps * args.world_size,
        )
        self.summary.update(
            world_size=args.world_size,
            device=str(args.device),
            precision="bf16" if args.bf16 else "fp16" if args.fp16 else "fp32",
        )


def summarize(step_seconds: list[float], tokens_at_step: dict[int, int], global_batch: int) -> dict[str, Any]:
    """Rates over the steps up to the last one whose token count was logged (so tokens and time agree)."""
    steps = max((s for s in tokens_at_step if s <= len(step_seconds)), default=0)
    if steps == 0:
        return {"steps": len(step_seconds), "note": "no step logged num_tokens; set logging_steps"}
    seconds = sum(step_seconds[:steps])
    tokens = tokens_at_step[steps]
    out: dict[str, Any] = {
        "steps": steps,
        "global_batch_pairs": global_batch,
        "train_seconds": round(seconds, 4),
        "tokens": tokens,
        "pairs": steps * global_batch,
        "tokens_per_second": round(tokens / seconds, 2) if seconds else None,
        "pairs_per_second": round(steps * global_batch / seconds, 4) if seconds else None,
        "first_step_seconds": round(step_seconds[0], 4),
    }
    if 1 in tokens_at_step and steps > 1:
        rest = sum(step_seconds[1:steps])
        out["steady_tokens_per_second"] = round((tokens - tokens_at_step[1]) / rest, 2) if rest else None
        out["steady_pairs_per_second"] = round((steps - 1) * global_batch / rest, 4) if rest else None
    return out


def write_throughput(out_dir: Path, summary: dict[str, Any]) -> Path:
    path = Path(out_dir) / THROUGHPUT_FILE
    path.write_text(json.dumps(summary, indent=2) + "\n")
    return path
