"""The no-op memo: an unchanged rebuild recognised from file stats, before any engine is imported.

WHY: a rebuild with nothing changed should cost about what starting Python and importing the engines costs.
The full check cannot: to recompute the version id it loads every step's plugin (which imports polars,
pyarrow and duckdb), parses every SQL file in DuckDB and re-reads every step's code, only to find the id it
found last time. So after each run the store remembers, per pipeline, the version id together with what
it was computed from: the request (spec path, `--set`, `--source`, store and catalog paths, the working
folder), the environment (`NOTUS_*` and the `${VAR}`s the spec's sources name), and the stat signature
(size, mtime_ns, ctime_ns, inode) of every file and folder involved: the spec and what it extends, the SQL
files, every file of the packages whose code is fingerprinted (notus and the step plugins), the engines'
`__init__` files (a pip upgrade rewrites them), every source file and folder and every default candidate
that was skipped (a folder appearing there would change the choice; a source behind a URI scheme, whose
availability the environment decides, writes no memo at all). A run first compares all of that;
only if every item is the same does it reuse the remembered version without computing its id.

This is the trade `make` and git's index make: a file rewritten with the same size, mtime, ctime and inode
is not seen — and ctime cannot be set back from user space. The memo is a shortcut to a version the store
already has; it never holds a result, is written atomically beside the source-digest cache (`.cache/`), and
any doubt (a remote source, an unreadable memo, a missing version or catalog) takes the full path.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from notus.core import cachefile

ENV_PREFIXES = ("NOTUS_",)
ENGINES = ("duckdb", "polars", "pyarrow")
_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
Signature = list[int] | None


def request_key(spec_path: Path, build_dir: Path, sets: Mapping[str, Any], sources: Mapping[str, str],
                catalog: Path | None) -> str:
    """What the caller asked for, with every path made absolute (a run from another folder is another request)."""
    request = {
        "spec": str(spec_path.resolve()), "build": str(build_dir.resolve()), "cwd": os.getcwd(),
        "sets": sorted((k, str(v)) for k, v in sets.items()),
        "sources": sorted(sources.items()), "catalog": str(catalog.resolve()) if catalog else None,
        "env": sorted((k, v) for k, v in os.environ.items() if k.startswith(ENV_PREFIXES)),
        "python": sys.version,
    }
    return hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()


def memo_path(build_dir: Path, spec_path: Path) -> Path:
    name = hashlib.sha256(str(spec_path.resolve()).encode()).hexdigest()[:16]
    return build_dir / ".cache" / f"noop-{name}.json"


def signature(path: Path) -> Signature:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def lookup(path: Path, key: str) -> dict[str, Any] | None:
    """The remembered run if nothing it rests on has changed, else None."""
    try:
        memo = json.loads(path.read_text(encoding="utf-8"))
        if memo["key"] != key or any(os.environ.get(k) != v for k, v in memo["env"].items()):
            return None
        if any(signature(Path(p)) != sig for p, sig in memo["files"].items()):
            return None
        return memo
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def reusable(memo: dict[str, Any] | None) -> dict[str, Any] | None:
    """The memo if its version is still whole in the store, still `latest`, and the catalog exists: what a
    full no-op would find before it says "up to date" (anything else — a gc, another build — takes that path)."""
    if memo is None:
        return None
    try:
        version = Path(memo["version_dir"])
        if not (version / "manifest.json").is_file() or not Path(memo["catalog"]).is_file():
            return None
        return memo if Path(memo["latest"]).resolve() == version else None
    except (OSError, KeyError, TypeError):
        return None


def record(path: Path, key: str, result: Mapping[str, Any], files: Iterable[Path], env_names: Iterable[str]) -> None:
    """Remember a run (`result`: pipeline, version_id, steps) and the signatures it rests on, atomically."""
    memo = {
        "key": key, **result,
        "env": {name: os.environ.get(name) for name in sorted(set(env_names))},
        "files": {str(p): signature(p) for p in sorted(set(files))},
    }
    cachefile.write(path, memo)


def env_names(texts: Iterable[str]) -> set[str]:
    """The environment variables a spec's source candidates name (`${NOTUS_INPUT}`)."""
    return {m for text in texts for m in _VAR.findall(text)}


def tree(root: Path) -> list[Path]:
    """A source folder and everything below it (folders too: a new file changes its folder's mtime)."""
    found = [root]
    if root.is_dir():
        for folder, dirs, names in os.walk(root):
            dirs.sort()
            found += [Path(folder, d) for d in dirs] + [Path(folder, n) for n in sorted(names)]
    return found


def package_files(names: Iterable[str]) -> list[Path]:
    """Every file of the named top-level packages (code, SQL, templates), caches left out."""
    found: list[Path] = []
    for name in sorted(set(names)):
        module = sys.modules.get(name)
        locations = list(getattr(module, "__path__", []) or [])
        if not locations and getattr(module, "__file__", None):
            found.append(Path(str(module.__file__)))
        for location in locations:
            for folder, dirs, files in os.walk(location):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__")
                found += [Path(folder)] + [Path(folder, f) for f in sorted(files) if not f.endswith(".pyc")]
    return found


def engine_files() -> list[Path]:
    """The engines' `__init__` files and the folders they are installed in: installing, upgrading or removing
    any package there (a plugin too) changes the folder's mtime."""
    inits = [Path(str(sys.modules[e].__file__)) for e in ENGINES if getattr(sys.modules.get(e), "__file__", None)]
    return inits + sorted({p.parent.parent for p in inits})
