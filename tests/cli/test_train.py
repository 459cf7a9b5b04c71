from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from notus.cli.main import main
from tests.support.paths import REPO
from tests.train.versions import generated_rows, write_version

SMOKE = str(REPO / "configs" / "train" / "smoke.yaml")


@pytest.fixture
def version(tmp_path: Path) -> Path:
    return write_version(tmp_path / "v", generated_rows(n_train=8, n_test=2))


def test_missing_config_exits_2_with_one_line(version: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "nope.yaml", "--data", str(version)]) == 2
    err = capsys.readouterr().err
    assert "cannot read training config" in err and err.count("\n") == 1


def test_tampered_version_exits_1(version: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = Path(shutil.copytree(version, tmp_path / "copy"))
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["tables"]["preferences"]["sha256"] = ["0" * 64]
    (copy / "manifest.json").write_text(json.dumps(manifest))
    assert main(["train", SMOKE, "--data", str(copy), "--output", str(tmp_path / "out")]) == 1
    assert "does not match its manifest hash" in capsys.readouterr().err


def test_not_a_version_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", SMOKE, "--data", str(tmp_path)]) == 2
    assert "not a notus version folder" in capsys.readouterr().err


def test_launch_with_a_missing_accelerate_config_exits_2(version: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", SMOKE, "--data", str(version), "--launch", "nope.yaml"]) == 2
    assert "no such accelerate config" in capsys.readouterr().err
