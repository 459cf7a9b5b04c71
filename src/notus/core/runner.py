"""`notus run`: spec -> fingerprints -> (cached or fresh) steps -> audits -> an immutable version.

The order of work is what makes a no-op rebuild cheap: fingerprints need only the spec, the params and the
sources' digests (cached by stat), so an unchanged build is recognised before any step runs.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from notus.core import catalog as catalog_mod
from notus.core import execute, noop, sqlfile
from notus.core.errors import DataError, first_line
from notus.core.fingerprint import step_fingerprints, step_key, version_id
from notus.core.params import resolve_params
from notus.core.progress import Progress
from notus.core.sources import Source, resolve_sources
from notus.core.spec import PipelineSpec, load_spec
from notus.core.store import STEP_RECORD, Store, link_or_copy
from notus.core.version import MANIFEST, new_manifest, write_manifest

DEFAULT_BUILD_DIR = Path("data/build")
AUDIT_SAMPLE_ROWS = 5


@dataclass(frozen=True)
class RunResult:
    version_dir: Path
    version_id: str
    reused: bool
    manifest: dict[str, Any]


def run_pipeline(spec_path: str | Path, **options: Any) -> Path:
    """Build (or reuse) a version of the pipeline and return its folder (options as for `run`)."""
    return run(spec_path, **options).version_dir


def run(
    spec_path: str | Path,
    *,
    build_dir: str | Path = DEFAULT_BUILD_DIR,
    sets: Mapping[str, Any] | None = None,
    sources: Mapping[str, str] | None = None,
    catalog: str | Path | None = None,
    progress: Progress | None = None,
    memo_key: str | None = None,
) -> RunResult:
    """Build or reuse a version. `memo_key` (`notus.core.memo.request_key`, given by `notus run`) writes the
    no-op memo afterwards; a caller whose steps are registered only in its own process must not give one,
    since another process could not resolve them."""
    spec = load_spec(spec_path)
    params = resolve_params(spec.params, sets or {}, spec.name)
    store = Store(Path(build_dir))
    progress = progress or Progress()
    declared = {name: source.candidates for name, source in spec.sources.items()}
    resolved = resolve_sources(spec.name, spec.root, declared, sources or {}, store.root / ".cache")
    fps = step_fingerprints(spec, params, resolved)
    vid = version_id(spec, params, resolved, fps)
    catalog_path = Path(catalog) if catalog else catalog_mod.default_catalog(store.root)
    try:
        with store.lock(spec.name):
            store.clean_stale(spec.name)
            final = store.version_dir(spec.name, vid)
            unchanged = False
            if store.has_version(spec.name, vid):
                progress.line(f"notus: {spec.name} version {vid} is up to date: reused all "
                              f"{len(spec.steps)} steps, nothing recomputed")
                unchanged = store.latest(spec.name) == final.resolve() and catalog_path.is_file()
                store.set_latest(spec.name, vid)
                manifest = json.loads((final / MANIFEST).read_text())
                result = RunResult(final, vid, True, manifest)
            else:
                manifest = _build(spec, params, resolved, fps, vid, store, progress)
                result = RunResult(final, vid, False, manifest)
            if not unchanged:  # the catalog already shows this version as latest
                catalog_mod.refresh(store, catalog_path)
            if memo_key is not None:
                noop.remember(spec, memo_key, sources or {}, store.root, vid, catalog_path)
    finally:
        progress.close()
    return result


def _build(
    spec: PipelineSpec,
    params: dict[str, Any],
    sources: dict[str, Source],
    fps: dict[str, str],
    vid: str,
    store: Store,
    progress: Progress,
) -> dict[str, Any]:
    started = time.monotonic()
    progress.begin(spec.name, vid, len(spec.steps))
    scratch = store.scratch()
    con = execute.connect(scratch)
    tables: dict[str, Path] = {}
    step_entries: list[dict[str, Any]] = []
    try:
        execute.register_sources(con, sources)
        for step in spec.steps:
            key = step_key(step, fps[step.name])
            record = store.cached_step(key)
            cached = record is not None
            if record is None:
                record = _run_step(con, spec, step, key, params, sources, tables, store, progress)
            else:
                progress.step_start(step.name, step.kind)
                progress.step_done(step.name, step.kind, record["rows"], record["seconds"], cached=True)
            for table in step.writes:
                tables[table] = store.step_dir(key) / f"{table}.parquet"
            step_entries.append({
                "name": step.name, "kind": step.kind, "ref": step.ref, "fingerprint": fps[step.name],
                "reads": list(step.reads), "writes": list(step.writes), "params": list(step.params),
                "sources": list(step.sources), "seconds": record["seconds"], "rows": record["rows"],
                "cached": cached,
            })
        audits = _run_audits(con, spec, params, tables)
    finally:
        con.close()
        shutil.rmtree(scratch, ignore_errors=True)
    final = store.version_dir(spec.name, vid)
    staging = store.staging(final)
    for table in spec.publish:
        link_or_copy(tables[table], staging / f"{table}.parquet")
    manifest = new_manifest(
        spec, vid, params, sources, step_entries, audits, staging, time.monotonic() - started
    )
    write_manifest(staging, manifest)
    store.commit_dir(staging, final)
    store.set_latest(spec.name, vid)
    progress.line(f"notus: {spec.name} version {vid} built in {manifest['build_seconds']:.2f}s")
    return manifest


def _run_step(con, spec, step, key, params, sources, tables, store, progress) -> dict[str, Any]:
    staging = store.staging(store.step_dir(key))
    progress.step_start(step.name, step.kind)
    t0 = time.monotonic()
    try:
        if step.kind == "sql":
            execute.register_tables(con, {t: tables[t] for t in step.reads})
            execute.run_sql_step(con, step, params, staging)
        else:
            execute.run_polars_step(step, tables, params, sources, staging)
        seconds = round(time.monotonic() - t0, 3)
        rows = {t: execute.parquet_rows(staging / f"{t}.parquet") for t in step.writes}
        record = {
            "name": step.name, "seconds": seconds, "rows": rows,
            "schema": {t: execute.parquet_schema(staging / f"{t}.parquet") for t in step.writes},
        }
        (staging / STEP_RECORD).write_text(json.dumps(record, indent=2))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        progress.close()
        raise
    store.commit_dir(staging, store.step_dir(key))
    progress.step_done(step.name, step.kind, rows, seconds, cached=False)
    return record


def _run_audits(con, spec: PipelineSpec, params: dict[str, Any], tables: dict[str, Path]) -> dict[str, Any]:
    """Run each audit (a query that must return no rows); any row stops the run before publishing."""
    results: dict[str, Any] = {}
    if not spec.audits:
        return results
    execute.register_tables(con, tables)
    for audit in spec.audits:
        query = sqlfile.strip_sql(audit.sql)
        bound = {p: params[p] for p in audit.params} or None
        try:
            rel = con.execute(f"SELECT * FROM ({query}) LIMIT {AUDIT_SAMPLE_ROWS + 1}", bound)
            sample = rel.fetchall()
            columns = [d[0] for d in rel.description]
            count = con.execute(f"SELECT count(*) FROM ({query})", bound).fetchall()[0][0]
        except Exception as exc:  # duckdb.Error
            raise DataError(f"audit '{audit.name}' could not run: {first_line(exc)}") from None
        results[audit.name] = {"ok": count == 0, "violations": int(count)}
        if count:
            shown = "; ".join(str(dict(zip(columns, row, strict=False))) for row in sample[:AUDIT_SAMPLE_ROWS])
            raise DataError(
                f"audit '{audit.name}' ({audit.path.name}) failed with {count} violating rows, e.g. {shown}; "
                "no version was published"
            )
    return results
