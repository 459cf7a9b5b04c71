"""Putting a version on the Hub: one commit holding the whole folder, tagged with the version id.

Publishing is idempotent and never rewrites history. The tag named after the version id is the record of
what was published: if it exists and its `manifest.json` describes this version (same id, same table
digests), there is nothing to do; if it describes anything else, publishing stops with an error instead
of moving a tag people may have pinned. When `main` already holds this version (a run that committed but
died before tagging), the tag is added without a new commit. Otherwise the folder goes up in a single
commit whose parent is the `main` we inspected (so a concurrent push fails instead of being overwritten),
old shards under `data/` are deleted in that same commit (the card's split globs must match only this
version's files), and the commit is tagged. Files a person added outside `data/` are left alone, and a repo
whose `data/` was not published by notus (no manifest.json on main) is refused rather than overwritten.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi, RepoFile
from huggingface_hub.errors import EntryNotFoundError, RepositoryNotFoundError

from notus.core.errors import DataError, UsageError
from notus.core.version import MANIFEST, Version
from notus.publish.folder import build_folder
from notus.publish.layout import DATA_DIR, DEFAULT_MAX_SHARD_BYTES

REPO_TYPE = "dataset"
REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*$")


@dataclass(frozen=True)
class PublishResult:
    repo_id: str
    tag: str
    commit: str
    created_repo: bool
    committed: bool  # False: the Hub already held this version, nothing was uploaded
    tagged: bool  # False: the tag already existed (and matched)
    files: int  # files in the commit (0 when nothing was committed)


@dataclass(frozen=True)
class RemoteState:
    exists: bool
    private: bool = False
    main: str | None = None
    tags: dict[str, str] | None = None


def check_repo_id(repo_id: str) -> str:
    if not REPO_ID.match(repo_id) or ".." in repo_id or repo_id.endswith((".git", ".")):
        raise UsageError(f"--repo-id must look like ORG/NAME, got '{repo_id}'")
    return repo_id


def publish_version(
    api: HfApi,
    version: Version,
    repo_id: str,
    *,
    private: bool = False,
    max_shard_bytes: int = DEFAULT_MAX_SHARD_BYTES,
    tables: Sequence[str] | None = None,
) -> PublishResult:
    """Publish `version` to the dataset repo `repo_id` through `api` (see the module docstring)."""
    check_repo_id(repo_id)
    version.verify()
    tag = version.version_id
    state = remote_state(api, repo_id)
    created = False
    if not state.exists:
        api.create_repo(repo_id, repo_type=REPO_TYPE, private=private, exist_ok=True)
        state, created = remote_state(api, repo_id), True
    if private and not state.private:
        raise DataError(f"{repo_id} exists and is public; refusing to publish with --private into it")
    tags = state.tags or {}
    with tempfile.TemporaryDirectory(prefix="notus-publish-") as tmp:
        if tag in tags:
            remote = remote_manifest(api, repo_id, tags[tag], Path(tmp) / "cache")
            if remote is not None and same_content(remote, version.manifest):
                return PublishResult(repo_id, tag, tags[tag], created, committed=False, tagged=False, files=0)
            what = "no manifest.json" if remote is None else f"version {remote.get('version_id')}"
            raise DataError(
                f"{repo_id}: tag '{tag}' already exists at commit {tags[tag][:12]} with {what} that differs from "
                f"{version.path}; refusing to move it (delete the tag on the Hub if it is wrong)"
            )
        assert state.main is not None
        remote = remote_manifest(api, repo_id, state.main, Path(tmp) / "cache")
        if remote is not None and same_content(remote, version.manifest):
            api.create_tag(repo_id, tag=tag, revision=state.main, repo_type=REPO_TYPE, tag_message=_message(version))
            return PublishResult(repo_id, tag, state.main, created, committed=False, tagged=True, files=0)
        old_data = remote_files(api, repo_id, state.main, DATA_DIR)
        if old_data and remote is None:
            raise DataError(
                f"{repo_id} already has files under {DATA_DIR}/ that notus did not publish (no manifest.json); "
                "refusing to mix or delete them: publish to a new repo"
            )
        folder = build_folder(version, Path(tmp) / "hub", repo_id, max_shard_bytes, tables)
        ops: list[CommitOperationAdd | CommitOperationDelete] = [
            CommitOperationAdd(path_in_repo=rel, path_or_fileobj=folder.root / rel) for rel in folder.files
        ]
        ops += [CommitOperationDelete(path_in_repo=rel) for rel in old_data if rel not in folder.files]
        info = api.create_commit(
            repo_id,
            ops,
            commit_message=_message(version),
            commit_description=_description(version),
            repo_type=REPO_TYPE,
            parent_commit=state.main,
        )
        api.create_tag(repo_id, tag=tag, revision=info.oid, repo_type=REPO_TYPE, tag_message=_message(version))
        return PublishResult(repo_id, tag, info.oid, created, committed=True, tagged=True, files=len(folder.files))


def remote_state(api: HfApi, repo_id: str) -> RemoteState:
    try:
        info = api.repo_info(repo_id, repo_type=REPO_TYPE)
    except RepositoryNotFoundError as err:
        # huggingface_hub reports a refused token on a repo URL as RepositoryNotFoundError too: only a real
        # 404 means "create it"; anything else goes on to become an auth error.
        if err.response is not None and err.response.status_code == 404:
            return RemoteState(exists=False)
        raise
    refs = api.list_repo_refs(repo_id, repo_type=REPO_TYPE)
    main = next((b.target_commit for b in refs.branches if b.name == "main"), None)
    if main is None:
        raise DataError(f"{repo_id}: the repo has no main branch")
    return RemoteState(True, bool(info.private), main, {t.name: t.target_commit for t in refs.tags})


def remote_manifest(api: HfApi, repo_id: str, revision: str, cache: Path) -> dict[str, Any] | None:
    """The manifest.json committed at `revision`, or None when there is none (or it is not ours)."""
    try:
        path = api.hf_hub_download(repo_id, MANIFEST, repo_type=REPO_TYPE, revision=revision, cache_dir=cache)
    except EntryNotFoundError:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def remote_files(api: HfApi, repo_id: str, revision: str, folder: str) -> list[str]:
    try:
        entries = api.list_repo_tree(repo_id, folder, recursive=True, revision=revision, repo_type=REPO_TYPE)
        return sorted(e.path for e in entries if isinstance(e, RepoFile))
    except EntryNotFoundError:
        return []


def same_content(remote: dict[str, Any], local: dict[str, Any]) -> bool:
    """Same version id and the same table files: the build time may differ, the data may not."""

    def digests(m: dict[str, Any]) -> dict[str, Any]:
        return {name: t.get("sha256") for name, t in (m.get("tables") or {}).items()}

    return remote.get("version_id") == local.get("version_id") and digests(remote) == digests(local)


def _message(version: Version) -> str:
    return f"notus {version.pipeline} version {version.version_id}"


def _description(version: Version) -> str:
    rows = ", ".join(f"{name} {version.rows(name):,}" for name in version.tables)
    params = json.dumps(version.params, sort_keys=True)
    return f"Built by notus from pipeline `{version.pipeline}` with params {params}.\n\nRows: {rows}."
