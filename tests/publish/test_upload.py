from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from huggingface_hub import HfApi
from polars.testing import assert_frame_equal

from notus.core.errors import DataError, UsageError
from notus.core.version import Version
from notus.publish.client import hub_session
from notus.publish.folder import build_folder
from notus.publish.upload import PublishResult, check_repo_id, publish_version
from tests.support.hub_server import Blob, HubServer

from .conftest import ORG, TOKEN

REPO = f"{ORG}/prefs"
SHARD = 3_000  # bytes: small enough that the fixture's train split spans several shards


def publish(hub: HubServer, version_dir: Path, repo_id: str = REPO, **kwargs: object) -> PublishResult:
    with hub_session(hub.endpoint, TOKEN, repo_id, timeout=10) as api:
        return publish_version(api, Version.open(version_dir), repo_id, **{"max_shard_bytes": SHARD, **kwargs})


def download_back(hub: HubServer, revision: str, out: Path) -> Path:
    """snapshot_download + datasets.load_dataset in a process whose HF_ENDPOINT is the stand-in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    env.update(HF_ENDPOINT=hub.endpoint, HF_HOME=str(out / "hf-home"), HF_TOKEN=TOKEN, HF_HUB_DISABLE_XET="1",
               HF_HUB_OFFLINE="0", HF_DATASETS_OFFLINE="0", HF_HUB_DISABLE_PROGRESS_BARS="1")
    script = Path(__file__).with_name("download_back.py")
    done = subprocess.run([sys.executable, str(script), REPO, revision, str(out)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return Path(json.loads((out / "snapshot.json").read_text())["path"])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def commits(hub: HubServer, repo_id: str = REPO) -> list[str]:
    repo = hub.repo(repo_id)
    return [c.oid for c in repo.history(repo.branches["main"])]


def test_round_trip_through_snapshot_download_and_load_dataset(
    hub: HubServer, version_dir: Path, tmp_path: Path
) -> None:
    result = publish(hub, version_dir)
    v = Version.open(version_dir)
    assert result.committed and result.tagged and result.created_repo and result.tag == v.version_id
    assert hub.repo(REPO).tags[v.version_id] == result.commit

    snapshot = download_back(hub, v.version_id, tmp_path / "back")
    # the downloaded repo is exactly the dry-run folder (plus the .gitattributes the Hub creates)
    preview = build_folder(v, tmp_path / "preview", REPO, max_shard_bytes=SHARD)
    got = sorted(p.relative_to(snapshot).as_posix() for p in snapshot.rglob("*") if p.is_file())
    assert got == sorted([*preview.files, ".gitattributes"])
    assert all(sha(snapshot / f) == sha(preview.root / f) for f in preview.files)
    assert json.loads((snapshot / "manifest.json").read_text()) == v.manifest
    # and datasets.load_dataset gives back the version's rows, split by split
    for table, split in (("preferences", "train"), ("preferences", "test"), ("dropped", "train")):
        loaded = pl.read_parquet(tmp_path / "back" / table / f"{split}.parquet")
        expected = v.scan(table).collect()
        if "split" in expected.columns:
            expected = expected.filter(pl.col("split") == split)
        assert_frame_equal(loaded, expected)
    assert TOKEN.encode() not in b"".join(b.content for r in hub.state.repos.values() for c in r.commits.values()
                                          for b in c.files.values())
    assert {a for a in hub.state.authorizations} == {f"Bearer {TOKEN}"}


def test_publishing_the_same_version_twice_makes_no_second_commit(hub: HubServer, version_dir: Path) -> None:
    first = publish(hub, version_dir)
    history = commits(hub)
    second = publish(hub, version_dir)
    assert commits(hub) == history
    assert (second.committed, second.tagged, second.commit) == (False, False, first.commit)
    assert not [p for m, p in hub.state.requests if m in ("PUT", "POST") and "/commit/" in p][1:]


def test_a_new_version_gets_its_own_tag_and_the_old_tag_is_untouched(
    hub: HubServer, version_dir: Path, other_version_dir: Path
) -> None:
    first = publish(hub, version_dir)
    second = publish(hub, other_version_dir)
    repo = hub.repo(REPO)
    v1, v2 = Version.open(version_dir), Version.open(other_version_dir)
    assert repo.tags == {v1.version_id: first.commit, v2.version_id: second.commit}
    assert repo.branches["main"] == second.commit
    old = repo.commits[first.commit].files
    assert json.loads(old["manifest.json"].content) == v1.manifest
    new = repo.commits[second.commit].files
    assert json.loads(new["manifest.json"].content) == v2.manifest
    # the old version's extra shards are gone from main, so the card's split globs match only v2's files
    v2_data = {p for p in new if p.startswith("data/")}
    assert v2_data == {p for p in build_folder(v2, version_dir.parent / "preview2", REPO, SHARD).files
                       if p.startswith("data/")}
    # publishing the old version again is a no-op: its tag already holds it
    again = publish(hub, version_dir)
    assert (again.committed, again.commit, repo.branches["main"]) == (False, first.commit, second.commit)


def test_a_tag_holding_other_content_is_never_moved(hub: HubServer, version_dir: Path, other_version_dir: Path) -> None:
    other = publish(hub, other_version_dir)
    tag = Version.open(version_dir).version_id
    hub.repo(REPO).tags[tag] = other.commit  # someone tagged other content with this version's id
    history = commits(hub)
    with pytest.raises(DataError, match="refusing to move it") as excinfo:
        publish(hub, version_dir)
    assert "\n" not in str(excinfo.value)
    assert hub.repo(REPO).tags[tag] == other.commit
    assert commits(hub) == history


def test_a_commit_that_lost_its_tag_is_tagged_without_a_new_commit(hub: HubServer, version_dir: Path) -> None:
    first = publish(hub, version_dir)
    tag = Version.open(version_dir).version_id
    del hub.repo(REPO).tags[tag]  # as if the run died between commit and tag
    history = commits(hub)
    again = publish(hub, version_dir)
    assert (again.committed, again.tagged) == (False, True)
    assert hub.repo(REPO).tags[tag] == first.commit and commits(hub) == history


def test_files_outside_data_that_a_person_added_survive_a_new_version(
    hub: HubServer, version_dir: Path, other_version_dir: Path
) -> None:
    publish(hub, version_dir)
    api = HfApi(endpoint=hub.endpoint, token=TOKEN)
    api.upload_file(path_or_fileobj=b"hand-written notes", path_in_repo="docs/notes.md", repo_id=REPO,
                    repo_type="dataset")
    second = publish(hub, other_version_dir)
    assert hub.repo(REPO).commits[second.commit].files["docs/notes.md"] == Blob(b"hand-written notes", lfs=False)


def test_a_repo_whose_data_notus_did_not_publish_is_refused(hub: HubServer, version_dir: Path) -> None:
    api = HfApi(endpoint=hub.endpoint, token=TOKEN)
    api.create_repo(REPO, repo_type="dataset")
    api.upload_file(path_or_fileobj=b"a,b\n1,2\n", path_in_repo="data/theirs.csv", repo_id=REPO, repo_type="dataset")
    history = commits(hub)
    with pytest.raises(DataError, match="notus did not publish"):
        publish(hub, version_dir)
    assert commits(hub) == history


def test_a_version_whose_files_do_not_match_its_manifest_is_refused_before_any_request(
    hub: HubServer, version_dir: Path
) -> None:
    path = version_dir / "dropped.parquet"
    pl.read_parquet(path).head(2).write_parquet(path)
    with pytest.raises(DataError, match="does not match its manifest hash"):
        publish(hub, version_dir)
    assert not hub.state.requests


def test_private_creates_a_private_repo_and_refuses_an_existing_public_one(
    hub: HubServer, version_dir: Path, other_version_dir: Path
) -> None:
    publish(hub, version_dir, repo_id=f"{ORG}/secret", private=True)
    assert hub.repo(f"{ORG}/secret").private
    publish(hub, version_dir)
    history = commits(hub)
    with pytest.raises(DataError, match="is public; refusing"):
        publish(hub, other_version_dir, private=True)
    assert commits(hub) == history


@pytest.mark.parametrize("repo_id", ["prefs", "a/b/c", "org/../x", "org/name.git", "-org/x", "org/"])
def test_repo_id_must_be_org_slash_name(repo_id: str) -> None:
    with pytest.raises(UsageError, match="ORG/NAME"):
        check_repo_id(repo_id)
