"""Input sources: a URI resolved to an ordered list of files and a content fingerprint.

The fingerprint is a hash of every file's bytes, so a version id never depends on paths or mtimes. Hashing
a gigabyte on every run would make a no-op rebuild slow, so digests are remembered in a small cache keyed by
(path, size, mtime_ns, inode) — the same trade git's index makes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from notus.core.errors import DataError, UsageError

DATA_SUFFIXES = (".jsonl", ".json", ".parquet", ".csv", ".ndjson", ".jsonl.gz", ".json.gz")
HF_PREFIX = "hf://"


@dataclass(frozen=True)
class SourceFile:
    path: Path
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Source:
    """A resolved input: what a step reads, and what enters the version id."""

    name: str
    uri: str
    files: tuple[SourceFile, ...]
    fingerprint: str

    @property
    def paths(self) -> list[str]:
        return [str(f.path) for f in self.files]

    def describe(self) -> dict[str, object]:
        return {
            "uri": self.uri,
            "fingerprint": self.fingerprint,
            "files": [{"path": str(f.path), "bytes": f.bytes, "sha256": f.sha256} for f in self.files],
        }


# Extra URI schemes, e.g. one that gathers several Hub datasets into a folder. A resolver turns the URI
# into a local path (file or folder) that is then fingerprinted like any other.
SCHEMES: dict[str, Callable[[str], Path]] = {}


def register_scheme(prefix: str, resolver: Callable[[str], Path]) -> None:
    SCHEMES[prefix] = resolver


def first_available(candidates: list[str]) -> str | None:
    """The first candidate URI that can be used now: `${VAR}` set, a path that exists, or a Hub URI when
    the Hub is not switched off. Lets a spec say "this folder if given, else the Hub, else the sample"."""
    offline = os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes")
    for raw in candidates:
        uri = os.path.expandvars(raw)
        if not uri or "${" in uri or "$" in uri.split("/")[0]:
            continue
        if uri.startswith(HF_PREFIX) or any(uri.startswith(p) for p in SCHEMES):
            if not offline:
                return uri
            continue
        if Path(uri).expanduser().exists():
            return uri
    return None


def resolve_source(name: str, uri: str, cache_dir: Path | None = None) -> Source:
    """Resolve `uri` (a file, a folder, hf://datasets/ORG/NAME[@REV][/SUBPATH] or a registered scheme)."""
    scheme = next((p for p in SCHEMES if uri.startswith(p)), None)
    if scheme is not None:
        root = SCHEMES[scheme](uri)
    elif uri.startswith(HF_PREFIX):
        root = _download_hub(uri)
    else:
        root = Path(uri).expanduser()
    if not root.exists():
        raise UsageError(f"source '{name}': {uri} does not exist")
    if root.is_dir():
        files = sorted(
            p for p in root.rglob("*")
            if p.is_file() and p.name.endswith(DATA_SUFFIXES) and not any(
                part.startswith(".") for part in p.relative_to(root).parts
            )
        )
    else:
        files = [root]
    cache = _DigestCache(cache_dir)
    entries = tuple(
        SourceFile(path=p.resolve(), bytes=p.stat().st_size, sha256=cache.digest(p)) for p in files
    )
    cache.save()
    h = hashlib.sha256()
    for f, p in zip(entries, files, strict=True):
        # a single file's name is not content; inside a folder the relative path orders the records
        rel = p.relative_to(root).as_posix() if root.is_dir() else ""
        h.update(f"{rel}\0{f.sha256}\n".encode())
    return Source(name=name, uri=uri, files=entries, fingerprint=h.hexdigest())


def _download_hub(uri: str) -> Path:
    """Materialise a Hub dataset in the local HF cache (the production path; offline it fails clearly)."""
    spec = uri[len(HF_PREFIX):]
    if not spec.startswith("datasets/"):
        raise UsageError(f"{uri}: only hf://datasets/ORG/NAME[@REVISION][/PATH] is supported")
    parts = spec[len("datasets/"):].split("/")
    if len(parts) < 2:
        raise UsageError(f"{uri}: expected hf://datasets/ORG/NAME")
    repo, revision = "/".join(parts[:2]), None
    if "@" in repo:
        repo, revision = repo.split("@", 1)
    subpath = "/".join(parts[2:])
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import OfflineModeIsEnabled

    from notus.hub_client import bounded_hub_requests

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
        first = (str(exc).strip().splitlines() or [""])[0]
        raise DataError(f"{uri}: could not download from the Hub: {type(exc).__name__}: {first}") from exc
    return Path(local) / subpath if subpath else Path(local)


class _DigestCache:
    """sha256 per file, reused while the file's stat is unchanged."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.path = cache_dir / "digests.json" if cache_dir else None
        self.entries: dict[str, str] = {}
        self.dirty = False
        if self.path and self.path.exists():
            try:
                self.entries = json.loads(self.path.read_text())
            except (OSError, ValueError):
                self.entries = {}

    def digest(self, path: Path) -> str:
        st = path.stat()
        key = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{st.st_ino}"
        if key not in self.entries:
            self.entries[key] = file_sha256(path)
            self.dirty = True
        return self.entries[key]

    def save(self) -> None:
        if not (self.path and self.dirty):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(self.entries))
        os.replace(tmp, self.path)


def file_sha256(path: Path, chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()
