"""Content fingerprints: a step's, and a version's.

A step's fingerprint covers its code (SQL text or the module that defines it), the values of the params it
uses, the fingerprints of the sources it reads and of the steps that made its input tables, and the engine
versions (a new DuckDB may change results). So changing a binarization param re-runs binarization and what
follows it, not the ingest. A version id covers the spec, all params and every step fingerprint; prose
(`description`, `doc`) is left out so fixing a typo makes no new version.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Mapping
from typing import Any

import duckdb
import polars as pl
import pyarrow

from notus import __version__
from notus.core.sources import Source
from notus.core.spec import PipelineSpec, StepSpec

VERSION_ID_LENGTH = 16
PROSE_KEYS = {"description", "doc"}


def engine_versions() -> dict[str, str]:
    return {
        "notus": __version__,
        "polars": pl.__version__,
        "duckdb": duckdb.__version__,
        "pyarrow": pyarrow.__version__,
        "python": platform.python_version(),
    }


def _engines_for_fingerprint() -> dict[str, str]:
    # Results depend on the engines' minor versions, not on notus' own version string or Python patch.
    versions = engine_versions()
    return {k: ".".join(versions[k].split(".")[:2]) for k in ("polars", "duckdb", "pyarrow")}


def digest(value: Any) -> str:
    blob = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.sha256(blob).hexdigest()


def step_fingerprints(
    spec: PipelineSpec, params: Mapping[str, Any], sources: Mapping[str, Source]
) -> dict[str, str]:
    """Fingerprint of every step, in dependency order."""
    fps: dict[str, str] = {}
    engines = _engines_for_fingerprint()
    for step in spec.steps:
        upstream = {t: fps[spec.writer(t).name] for t in step.reads}
        fps[step.name] = digest({
            "kind": step.kind,
            "ref": step.ref if step.kind == "polars" else None,
            "code": step.code,
            "writes": list(step.writes),
            "params": {p: params[p] for p in step.params},
            "sources": {s: sources[s].fingerprint for s in step.sources},
            "upstream": upstream,
            "engines": engines,
        })
    return fps


def version_id(
    spec: PipelineSpec, params: Mapping[str, Any], sources: Mapping[str, Source], steps: Mapping[str, str]
) -> str:
    return digest({
        "pipeline": spec.name,
        "spec": _without_prose(spec.document),
        "params": dict(params),
        "sources": {name: s.fingerprint for name, s in sources.items()},
        "steps": dict(steps),
        "audits": {a.name: a.sql for a in spec.audits},
    })[:VERSION_ID_LENGTH]


def step_key(step: StepSpec, fingerprint: str) -> str:
    """Folder name of a step's cached output: readable, and unique by fingerprint."""
    return f"{step.name}-{fingerprint[:20]}"


def _without_prose(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_prose(v) for k, v in value.items() if k not in PROSE_KEYS}
    if isinstance(value, list):
        return [_without_prose(v) for v in value]
    return value
