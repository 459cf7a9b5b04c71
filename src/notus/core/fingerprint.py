"""Content fingerprints: a step's, and a version's.

A step's fingerprint covers its code (the SQL statement as DuckDB parses it, comments and layout left
out, or the source of the Python module that defines it), the values of the params it uses, the
fingerprints of the sources it reads and of the steps that made its input tables, the engine versions (a
new DuckDB may change results) and the engine's own fingerprint version. So changing a binarization param
re-runs binarization and what follows it, not the ingest. A version id covers the spec, all params and
every step fingerprint; prose (`description`, `doc`, SQL comments) is left out so fixing a typo makes no new
version. The spec's `card` (what a publisher says of the data: license, citation) is not prose: it is
recorded in the manifest the card is written from, so a new card makes a new version (no step re-runs).

CORE_FINGERPRINT_VERSION stands for what `notus.core` itself computes (how a step is run and written, how
params are bound, what enters a fingerprint). Bump it whenever a change to the core changes a result for
an unchanged pipeline: every cached step and version id then changes, so nothing stale is reused.
`tests/core/test_fingerprint.py` says when: it builds a fixed pipeline and compares its rows and ids with
the ones recorded for this version.
History: 1 = the first recorded; 2 = SQL fingerprinted on the parse tree (not the text), this constant
and the core fingerprint version entering every fingerprint.
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
from notus.core import sqlfile
from notus.core.sources import Source
from notus.core.spec import PipelineSpec, StepSpec

CORE_FINGERPRINT_VERSION = 2
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
            "code": sqlfile.normalized(step.code) if step.kind == "sql" else step.code,
            "writes": list(step.writes),
            "params": {p: params[p] for p in step.params},
            "sources": {s: sources[s].fingerprint for s in step.sources},
            "upstream": upstream,
            "engines": engines,
            "core": CORE_FINGERPRINT_VERSION,
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
        "audits": {a.name: sqlfile.normalized(a.sql) for a in spec.audits},
        "core": CORE_FINGERPRINT_VERSION,
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
