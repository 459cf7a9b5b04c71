"""A tiny random causal LM and a tokenizer trained here, so DPO plumbing can be exercised offline on CPU.

The Hub is out of reach on the build machines, so the smoke run cannot download even a small model. A
Llama-shaped model with random weights and a byte-level BPE trained with `tokenizers` on the data itself goes
through exactly the code path of alignment-handbook/zephyr-7b-sft-full (a folder that `from_pretrained`
reads, a fast tokenizer carrying the Zephyr chat template, `</s>` as EOS, a post-processor that adds `<s>`
like Mistral's does, so tests can show the chat template path adds no BOS). Building takes seconds, but the
smoke caches it: a folder is reused when its fingerprint (spec + corpus id + library versions) matches.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from notus.train.chat_template import ZEPHYR_CHAT_TEMPLATE

STAMP = "notus_tiny.json"
SPECIAL_TOKENS = ("<unk>", "<s>", "</s>")


@dataclass(frozen=True)
class TinySpec:
    """Sizes of the tiny model; small enough that two CPU processes train 20 DPO steps in well under a minute."""

    vocab_size: int = 4096
    hidden_size: int = 64
    num_hidden_layers: int = 2
    num_attention_heads: int = 4
    intermediate_size: int = 128
    max_position_embeddings: int = 4096
    seed: int = 42


def fingerprint(spec: TinySpec, corpus_id: str) -> str:
    import tokenizers
    import torch
    import transformers

    payload = {
        "spec": asdict(spec),
        "corpus": corpus_id,
        "template": ZEPHYR_CHAT_TEMPLATE,
        "versions": [tokenizers.__version__, transformers.__version__, torch.__version__],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def train_tokenizer(corpus: Iterable[str], spec: TinySpec):  # -> PreTrainedTokenizerFast
    """A byte-level BPE (no unknown bytes, like GPT-2/Llama-3) wrapped as a transformers fast tokenizer."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE(unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=spec.vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    backend.train_from_iterator(corpus, trainer)
    bos_id = backend.token_to_id("<s>")
    backend.post_processor = processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", bos_id)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
        chat_template=ZEPHYR_CHAT_TEMPLATE,
        model_max_length=spec.max_position_embeddings,
        padding_side="left",
    )


def build_tiny(out: Path, corpus: Iterable[str], spec: TinySpec, corpus_id: str) -> Path:
    """Write tokenizer + random Llama model to `out` (replacing it), stamped with their fingerprint."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = train_tokenizer(corpus, spec)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=spec.hidden_size,
        num_hidden_layers=spec.num_hidden_layers,
        num_attention_heads=spec.num_attention_heads,
        num_key_value_heads=spec.num_attention_heads,
        intermediate_size=spec.intermediate_size,
        max_position_embeddings=spec.max_position_embeddings,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.eos_token_id,
        tie_word_embeddings=False,
    )
    torch.manual_seed(spec.seed)
    model = LlamaForCausalLM(config)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Build next to the target and swap in, so an interrupted build never leaves a half-written cache.
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        stamp = {"fingerprint": fingerprint(spec, corpus_id), "spec": asdict(spec), "corpus": corpus_id}
        (staging / STAMP).write_text(json.dumps(stamp, indent=2) + "\n")
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return out


def ensure_tiny(
    out: Path, corpus: Callable[[], Iterable[str]], corpus_id: str, spec: TinySpec | None = None
) -> tuple[Path, bool]:
    """Return (folder, built): reuse `out` when its stamp matches, else build it. `corpus` is only called then."""
    spec = spec or TinySpec()
    stamp_file = Path(out) / STAMP
    if stamp_file.is_file():
        try:
            if json.loads(stamp_file.read_text()).get("fingerprint") == fingerprint(spec, corpus_id):
                return Path(out), False
        except ValueError:
            pass  # a damaged stamp is rebuilt, never trusted
    return build_tiny(Path(out), corpus(), spec, corpus_id), True
