from __future__ import annotations

from pathlib import Path

import pytest
from huggingface_hub import constants

from notus.cli.main import main
from notus.core import pins
from notus.core.version import Version
from tests.publish.conftest import ORG, TOKEN
from tests.support.hub_server import HubServer

REPO = f"{ORG}/prefs"


def test_dry_run_writes_the_folder_and_lists_it(version_dir: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "preview"
    assert main(["publish", str(version_dir), "--repo-id", REPO, "--dry-run", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"written to {out}" in printed
    assert "  data/preferences/test-00000-of-00001.parquet" in printed
    assert (out / "README.md").read_text().count(f"# {REPO}") == 1
    assert (out / "pipeline.yaml").is_file() and (out / "manifest.json").is_file()


def test_dry_run_without_dir_uses_data_publish_version_id(version_dir: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["publish", str(version_dir), "--repo-id", REPO, "--dry-run"]) == 0
    assert (tmp_path / "data" / "publish" / Version.open(version_dir).version_id / "README.md").is_file()


def test_publish_then_publish_again(hub: HubServer, version_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["publish", str(version_dir), "--repo-id", REPO, "--endpoint", hub.endpoint, "--max-shard-mb", "0.003"]
    assert main(args) == 0
    first = capsys.readouterr()
    tag = Version.open(version_dir).version_id
    assert f"published notus version {tag} to {hub.endpoint}/datasets/{REPO}" in first.out
    assert main(args) == 0
    second = capsys.readouterr()
    assert "nothing to do" in second.out
    assert f"pinned notus/{version_dir.name}" in first.out  # gc keeps what the Hub tag names
    assert pins.read(version_dir.parent) == {version_dir.name: f"published to {REPO}"}
    assert TOKEN not in first.out + first.err + second.out + second.err
    assert len(hub.repo(REPO).history(hub.repo(REPO).branches["main"])) == 2  # initial + one publish


def test_endpoint_defaults_to_hf_endpoint(hub: HubServer, version_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
    assert main(["publish", str(version_dir), "--repo-id", REPO]) == 0
    assert REPO in hub.state.repos


def test_no_token_is_one_line_exit_2(version_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    for var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "absent" / "token"))
    code = main(["publish", str(version_dir), "--repo-id", REPO, "--endpoint", "http://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("notus: error: no Hugging Face token")


def test_refused_token_is_one_line_exit_1_and_never_printed(
    hub: HubServer, version_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_wrong_secret_value")
    code = main(["publish", str(version_dir), "--repo-id", REPO, "--endpoint", hub.endpoint])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.count("\n") == 1 and "401 Unauthorized" in captured.err
    assert "hf_wrong_secret_value" not in captured.out + captured.err


@pytest.mark.parametrize(("extra", "message"), [(["--repo-id", "just-a-name"], "ORG/NAME"),
                                                (["--repo-id", REPO, "--max-shard-mb", "0"], "--max-shard-mb")])
def test_bad_arguments_are_usage_errors(version_dir: Path, capsys: pytest.CaptureFixture[str], extra: list[str],
                                        message: str) -> None:
    assert main(["publish", str(version_dir), *extra, "--dry-run"]) == 2
    assert message in capsys.readouterr().err
