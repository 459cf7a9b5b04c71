"""Input sources: a URI resolved to an ordered list of files and a content fingerprint.

The fingerprint is a hash of every file's bytes, so a version id never depends on paths or mtimes; the
digests come from `notus.core.digests` (cached by stat, hashed ahead when `notus run` can).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from notus.core import plugins
from notus.core.digests import DigestCache, data_files
from notus.core.errors import PluginError, UsageError
from notus.core.plugins import SourceScheme


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


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_SCHEMES: dict[str, SourceScheme] = {}  # registered in this process (tests); plugins come first


def register_scheme(name: str, scheme: SourceScheme) -> None:
    """Make `name://...` URIs resolvable in this process without installing a plugin."""
    _SCHEMES[name] = scheme


def scheme_of(uri: str) -> tuple[str, SourceScheme] | None:
    """The scheme plugin a URI names (`hf://...` -> "hf"), None for a plain path; an unknown scheme is a
    UsageError that lists the installed ones."""
    match = _SCHEME.match(uri)
    if match is None:
        return None
    name = match.group(1)
    found = plugins.load(plugins.SOURCES_GROUP, name)
    scheme = found[1] if found is not None else _SCHEMES.get(name)
    if found is not None and not isinstance(scheme, SourceScheme):
        raise PluginError(f"plugin {found[0].describe()} is not a SourceScheme")
    if scheme is None:
        known = sorted({*plugins.installed(plugins.SOURCES_GROUP), *_SCHEMES})
        raise UsageError(f"{uri}: no plugin reads '{name}://' URIs (installed: "
                         f"{', '.join(f'{k}://' for k in known) or 'none'})")
    return name, scheme


def anchored(root: Path, candidates: Sequence[str]) -> dict[str, str]:
    """Each default candidate with a repo-relative path made absolute under `root` -> as the spec wrote it."""
    return {c if _is_uri(c) or Path(c).is_absolute() else str(root / c): c for c in candidates}


def expanded(candidate: str) -> str | None:
    """A candidate with its `${VAR}`s expanded; None while one of them is unset (the candidate is skipped)."""
    uri = os.path.expandvars(candidate)
    return None if not uri or "${" in uri or "$" in uri.split("/")[0] else uri


def first_available(candidates: list[str]) -> str | None:
    """The first candidate URI that can be used now: `${VAR}` set, a path that exists, or a URI whose
    scheme says it is available (a remote one is not when offline). Lets a spec say "this folder if given,
    else the Hub, else the sample"."""
    for raw in candidates:
        uri = expanded(raw)
        if uri is None:
            continue
        found = scheme_of(uri)
        if found is not None:
            if found[1].available():
                return uri
            continue
        if Path(uri).expanduser().exists():
            return uri
    return None


def resolve_sources(
    pipeline: str, root: Path, declared: Mapping[str, Sequence[str]], overrides: Mapping[str, str],
    cache_dir: Path,
) -> dict[str, Source]:
    """Every source a pipeline declares (name -> candidate URIs, repo-relative paths allowed), each from
    its override (`--source NAME=URI`) or the first available candidate."""
    for name in overrides:
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise UsageError(f"pipeline '{pipeline}' has no source '{name}' (sources: {known})")
    resolved: dict[str, Source] = {}
    for name, candidates in declared.items():
        uri = overrides.get(name)
        shown = uri
        if uri is None:
            local = anchored(root, candidates)
            uri = first_available(list(local))
            # the manifest shows a default as the spec wrote it (repo-relative), not this machine's path
            shown = local.get(uri, uri) if uri else None
            if uri is None:
                raise UsageError(
                    f"source '{name}' of pipeline '{pipeline}': none of its defaults is available "
                    f"({', '.join(candidates)}); give one with --source {name}=URI"
                    + (" or --input URI" if name == "input" else "")
                )
        resolved[name] = dataclasses.replace(resolve_source(name, uri, cache_dir), uri=shown or uri)
    return resolved


def _is_uri(text: str) -> bool:
    return "://" in text or text.startswith("$")


def resolve_source(name: str, uri: str, cache_dir: Path | None = None) -> Source:
    """Resolve `uri` (a file, a folder, or a URI of a scheme some plugin reads) to its files."""
    found = scheme_of(uri)
    root = found[1].resolve(uri) if found is not None else Path(uri).expanduser()
    if not root.exists():
        raise UsageError(f"source '{name}': {uri} does not exist")
    files = data_files(root)
    cache = DigestCache(cache_dir)
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
