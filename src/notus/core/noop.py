"""What a version id rests on, written down after a run so the next identical run can skip recomputing it.

The mechanism (signatures, lookup, the memo file) is `notus.core.memo`, which the CLI reads before importing
any engine; this module, run after a build or a reuse, lists the files and environment variables: the
spec and every file it extends, the SQL files of steps and audits, every file of the packages whose code
is fingerprinted (notus, and each plugin a step comes from), the engines' `__init__` files, and for each
source the files and folders it resolved to plus every default candidate skipped before it. A source
behind a URI scheme (`hf://`) is not local: no memo is written, and the next run takes the full path.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

from notus.core import memo
from notus.core.sources import anchored, expanded, scheme_of
from notus.core.spec import PipelineSpec
from notus.core.step import SqlStep, get_step


def remember(spec: PipelineSpec, key: str, overrides: Mapping[str, str], build_dir: Path, vid: str,
             catalog: Path) -> None:
    """Write the memo of this run (nothing when a source is not a local path)."""
    found = _source_inputs(spec, overrides)
    if found is None:
        return
    files, env = found
    files += _spec_files(spec.path) + _sql_files(spec) + memo.package_files(_packages(spec)) + memo.engine_files()
    version_dir = (build_dir / spec.name / vid).resolve()
    result = {"pipeline": spec.name, "version_id": vid, "steps": len(spec.steps), "version_dir": str(version_dir),
              "printed": str(build_dir / spec.name / vid),  # as the full path prints it (cwd is in the key)
              "latest": str((build_dir / spec.name / "latest").absolute()), "catalog": str(catalog.resolve())}
    memo.record(memo.memo_path(build_dir, spec.path), key, result, files, env)


def _spec_files(path: Path) -> list[Path]:
    """The spec and the chain of files it extends (already validated by load_spec)."""
    chain = [path.resolve()]
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    while isinstance(doc, dict) and "extends" in doc:
        path = (path.parent / str(doc["extends"])).resolve()
        chain.append(path)
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return chain


def _sql_files(spec: PipelineSpec) -> list[Path]:
    return [s.sql_path.resolve() for s in spec.steps if s.sql_path] + [a.path.resolve() for a in spec.audits]


def _packages(spec: PipelineSpec) -> set[str]:
    names = {"notus"}
    for step in spec.steps:
        if step.polars is not None:
            names.add(step.polars.fn.__module__.split(".")[0])
        elif step.sql_path is None and isinstance(registered := get_step(step.ref), SqlStep):
            names.add(registered.package.split(".")[0])
    return names


def _source_inputs(spec: PipelineSpec, overrides: Mapping[str, str]) -> tuple[list[Path], set[str]] | None:
    files: list[Path] = []
    env: set[str] = set()
    for name, source in spec.sources.items():
        if name in overrides:
            uris: list[str | None] = [overrides[name]]
        else:
            candidates = list(anchored(spec.root, source.candidates))
            env |= memo.env_names(candidates)
            uris = [expanded(c) for c in candidates]
        for uri in uris:  # as sources.first_available walks them
            if uri is None:
                continue
            if scheme_of(uri) is not None:
                return None
            path = Path(uri).expanduser()
            if path.exists():
                files += memo.tree(path.resolve())
                break
            files.append(path.absolute())  # absent now; if it appeared, the choice would change
    return files, env
