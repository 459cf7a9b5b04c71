from __future__ import annotations

from pathlib import Path

from notus.train.chat_template import ZEPHYR_CHAT_TEMPLATE
from notus.train.tiny import STAMP, TinySpec, ensure_tiny

CORPUS = [f"<|user|>\nquestion {i}</s>\n<|assistant|>\nanswer number {i} is fine</s>\n" for i in range(200)]
SMALL = TinySpec(vocab_size=300, hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32)


def test_built_once_then_reused_until_the_spec_or_corpus_changes(tmp_path: Path) -> None:
    calls: list[int] = []

    def corpus() -> list[str]:
        calls.append(1)
        return CORPUS

    out = tmp_path / "tiny"
    assert ensure_tiny(out, corpus, "c1", SMALL) == (out, True)
    assert ensure_tiny(out, corpus, "c1", SMALL) == (out, False)
    assert len(calls) == 1  # the corpus is not even read when the cache is good
    assert ensure_tiny(out, corpus, "c2", SMALL)[1] is True
    (out / STAMP).write_text("{broken")
    assert ensure_tiny(out, corpus, "c2", SMALL)[1] is True
    assert len(calls) == 3
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tiny-")]  # no staging folder left


def test_the_folder_loads_like_a_hub_model(tmp_path: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out, _ = ensure_tiny(tmp_path / "tiny", lambda: CORPUS, "c", SMALL)
    tokenizer = AutoTokenizer.from_pretrained(out)
    model = AutoModelForCausalLM.from_pretrained(out)
    assert tokenizer.chat_template == ZEPHYR_CHAT_TEMPLATE
    assert (tokenizer.eos_token, tokenizer.bos_token) == ("</s>", "<s>")
    assert tokenizer.decode(tokenizer("answer number 7", add_special_tokens=False).input_ids) == "answer number 7"
    assert model.config.vocab_size == len(tokenizer) and model.config.eos_token_id == tokenizer.eos_token_id
    ids = tokenizer.apply_chat_template(
        [{"role": "user", "content": "question 3"}], add_generation_prompt=True, return_tensors="pt", return_dict=True
    )
    with torch.no_grad():
        out_ids = model.generate(**ids, max_new_tokens=3, do_sample=False)
    assert out_ids.shape[1] > ids["input_ids"].shape[1]
