"""The Zephyr chat template, byte for byte as alignment-handbook shipped it for zephyr-7b-beta.

Zephyr and Notus were trained on text rendered by this template, so a model fine-tuned from
zephyr-7b-sft-full must see exactly `<|user|>\\n{user}</s>\\n<|assistant|>\\n{assistant}</s>\\n`: no BOS
(the template has none and `apply_chat_template` adds no special tokens) and one EOS per turn, written by
the template itself. TRL 1.16 does not append an EOS to conversational data, which is what keeps the EOS
single (the doubled EOS of TRL issue #4481 came from appending one after a template that already ends turns
with it). The whitespace between Jinja tags is part of the format: with transformers' `trim_blocks`, the
newline after each `{{ ... }}` becomes the `\\n` that follows every `</s>` and the generation prompt.
"""

from __future__ import annotations

from typing import Any

ZEPHYR_CHAT_TEMPLATE = (
    "{% for message in messages %}\n"
    "{% if message['role'] == 'user' %}\n"
    "{{ '<|user|>\n' + message['content'] + eos_token }}\n"
    "{% elif message['role'] == 'system' %}\n"
    "{{ '<|system|>\n' + message['content'] + eos_token }}\n"
    "{% elif message['role'] == 'assistant' %}\n"
    "{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n"
    "{% endif %}\n"
    "{% if loop.last and add_generation_prompt %}\n"
    "{{ '<|assistant|>' }}\n"
    "{% endif %}\n"
    "{% endfor %}"
)

# Names a config may give for `model.chat_template`: a known template, or "model" to keep the tokenizer's own.
TEMPLATES = {"zephyr": ZEPHYR_CHAT_TEMPLATE}
KEEP_MODEL_TEMPLATE = "model"


def zephyr_text(messages: list[dict[str, Any]], eos_token: str = "</s>", add_generation_prompt: bool = False) -> str:
    """The text the Zephyr template renders, written out by hand: the reference the token-id tests compare to."""
    tags = {"system": "<|system|>", "user": "<|user|>", "assistant": "<|assistant|>"}
    text = "".join(f"{tags[m['role']]}\n{m['content']}{eos_token}\n" for m in messages)
    return text + ("<|assistant|>\n" if add_generation_prompt else "")
