"""The `hf://` source scheme: `hf://datasets/ORG/NAME[@REVISION][/PATH]` as a local folder.

The files are downloaded with `snapshot_download` into the Hugging Face cache (so a second run reads the
cache) and then read like any local folder, through the same code path the tests exercise on local files.
Registered as the `hf` entry point of the `notus.sources` group, as a third-party scheme would be.
"""

from __future__ import annotations

import os
from pathlib import Path

from notus.core.errors import DataError, UsageError, first_line
from notus.core.plugins import SourceScheme
from notus.hub.client import bounded_hub_requests

PREFIX = "hf://"


def offline() -> bool:
    """Whether the Hub is switched off for this process (HF_HUB_OFFLINE)."""
    return os.environ.get("HF_HUB_OFFLINE", "0").strip().lower() in ("1", "true", "yes", "on")


def parse(uri: str) -> tuple[str, str | None, str]:
    """(repo id, revision or None, path inside the repo) of an hf:// dataset URI."""
    spec = uri[len(PREFIX):]
    if not spec.startswith("datasets/"):
        raise UsageError(f"{uri}: only hf://datasets/ORG/NAME[@REVISION][/PATH] is supported")
    parts = spec[len("datasets/"):].split("/")
    if len(parts) < 2 or not all(parts[:2]):
        raise UsageError(f"{uri}: expected hf://datasets/ORG/NAME")
    repo, revision = "/".join(parts[:2]), None
    if "@" in repo:
        repo, revision = repo.split("@", 1)
    return repo, revision, "/".join(parts[2:])


def download(uri: str) -> Path:
    """Materialise the dataset (or the PATH inside it) in the local HF cache; offline it fails clearly."""
    repo, revision, subpath = parse(uri)
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import OfflineModeIsEnabled

    try:
        with bounded_hub_requests():
            local = snapshot_download(
                repo_id=repo, repo_type="dataset", revision=revision,
                allow_patterns=[f"{subpath}/*", subpath, f"{subpath}/**"] if subpath else None,
                endpoint=os.environ.get("HF_ENDPOINT") or None,
            )
    except OfflineModeIsEnabled as exc:
        raise DataError(f"{uri}: the Hub is not reachable (HF_HUB_OFFLINE is set)") from exc
    except Exception as exc:  # network, auth, missing repo: one line, not a traceback
        raise DataError(f"{uri}: could not download from the Hub: {type(exc).__name__}: {first_line(exc)}") from exc
    return Path(local) / subpath if subpath else Path(local)


SCHEME = SourceScheme(resolve=download, available=lambda: not offline(),
                      doc="a Hugging Face Hub dataset: hf://datasets/ORG/NAME[@REVISION][/PATH]")
