"""notus sample --shape: deterministic records in each published schema (field names and kinds as the
reference gives them), the truth table, and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from notus.cli.main import main as cli_main
from notus.sample.shape_files import write_shape


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_same_seed_same_bytes_and_the_published_fields(tmp_path: Path) -> None:
    for schema, name in (("hh-rlhf", "train"), ("ultrafeedback-binarized", "train_prefs"),
                         ("helpsteer2", "train"), ("nectar", "rlaif")):
        a = write_shape(tmp_path / "a", schema, 300, seed=3)
        b = write_shape(tmp_path / "b", schema, 300, seed=3)
        assert a.paths[0].read_bytes() == b.paths[0].read_bytes() and a.truth == b.truth
        assert a.paths[0] == tmp_path / "a" / schema / f"{name}.jsonl"
    hh = lines(tmp_path / "a" / "hh-rlhf" / "train.jsonl")
    assert set(hh[0]) == {"chosen", "rejected"} and hh[0]["chosen"].startswith("\n\nHuman: ")
    h4 = lines(tmp_path / "a" / "ultrafeedback-binarized" / "train_prefs.jsonl")[0]
    assert set(h4) == {"prompt", "prompt_id", "chosen", "rejected", "messages", "score_chosen", "score_rejected"}
    assert [m["role"] for m in h4["chosen"]] == ["user", "assistant"] and h4["chosen"][0]["content"] == h4["prompt"]
    hs = lines(tmp_path / "a" / "helpsteer2" / "train.jsonl")
    assert {"prompt", "response", "helpfulness", "verbosity"} <= set(hs[0]) and hs[0]["prompt"] == hs[1]["prompt"]
    assert any("\n<extra_id_1>Assistant\n" in r["prompt"] for r in hs)
    nectar = lines(tmp_path / "a" / "nectar" / "rlaif.jsonl")[0]
    assert set(nectar) == {"prompt", "answers", "turns", "num_responses", "source", "good_natured"}
    assert nectar["prompt"].endswith("\n\nAssistant: ") and nectar["answers"][0]["rank"] == 1.0
    assert isinstance(nectar["source"], list) and len(nectar["answers"]) == nectar["num_responses"] == 7


def test_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["sample", "--shape", "ranked", "--prompts", "50", "--out", str(tmp_path),
                     "--format", "parquet"]) == 0
    assert pl.read_parquet(tmp_path / "nectar" / "rlaif.parquet").height == 50
    assert (tmp_path / "nectar-truth.parquet").is_file()
    assert capsys.readouterr().out.strip().splitlines()[-1] == str(tmp_path)
    assert cli_main(["sample", "--shape", "rated", "--schema", "hh-rlhf", "--out", str(tmp_path)]) == 2
    assert "not a rated schema" in capsys.readouterr().err
    assert cli_main(["sample", "--schema", "nectar", "--out", str(tmp_path)]) == 2
