"""`notus gc`: remove old versions and the step outputs nothing kept needs, without ever harming a kept one.

`plan` reads the store and decides; `apply` removes. Both run under `locked`, which holds the store's gate
exclusively (no build runs, none starts) and every pipeline's lock, so the plan is still true when applied.

What stays: every pipeline's `latest` and its N most recent versions (latest first, then by `created_at`),
pinned versions, versions named with --keep-version, versions younger than --older-than, every version of a
pipeline not named on the command line, and every step folder any kept version of ANY pipeline was built
from (pipelines share steps).

Crash safety: a version or step folder is first renamed to `.tmp-gc-<name>-<pid>` (atomic: it leaves the
store at once, and a step folder is never seen half-deleted and reused), then deleted. A gc killed anywhere
leaves temporaries that the next gc or run removes; kept versions are never touched, and published tables
are hard links (or copies) of step outputs, so deleting a step folder does not empty a version.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from notus.core import catalog, gate, inventory
from notus.core.errors import DataError, UsageError
from notus.core.inventory import StoredVersion
from notus.core.store import STEPS_DIR, TMP_PREFIX, Store, fsync_dir


@dataclass(frozen=True)
class Policy:
    pipelines: tuple[str, ...] = ()  # empty: every pipeline
    keep: int = 3
    older_than_days: float | None = None
    keep_versions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Removal:
    kind: str  # "version" | "step" | "temporary"
    path: Path
    freed: int  # bytes really freed: inodes with a link elsewhere free nothing


@dataclass(frozen=True)
class GcPlan:
    kept: tuple[tuple[StoredVersion, str], ...]  # each kept version with why
    kept_steps: frozenset[str]
    removals: tuple[Removal, ...] = field(default=())

    @property
    def freed(self) -> int:
        return sum(r.freed for r in self.removals)

    def of(self, kind: str) -> list[Removal]:
        return [r for r in self.removals if r.kind == kind]


@contextlib.contextmanager
def locked(store: Store) -> Iterator[None]:
    """Hold the gate exclusively, then every pipeline's lock in sorted order (as `notus run` would)."""
    with gate.hold(store.root, exclusive=True), contextlib.ExitStack() as stack:
        for pipeline in store.pipelines():
            stack.enter_context(store.pipeline_lock(pipeline))
        yield


def plan(store: Store, policy: Policy, now: dt.datetime) -> GcPlan:
    """Decide what to remove. Reads the store, changes nothing."""
    stored = inventory.versions(store)
    known = {v.pipeline for v in stored} | set(store.pipelines())
    for name in policy.pipelines:
        if name not in known:
            raise UsageError(f"no pipeline '{name}' in {store.root}")
    for vid in sorted(policy.keep_versions - {v.version_id for v in stored}):
        raise UsageError(f"--keep-version {vid}: no such version in {store.root}")
    kept: list[tuple[StoredVersion, str]] = []
    doomed: list[StoredVersion] = []
    rank: dict[str, int] = {}
    # Latest counts as the most recent: re-running an old version makes it latest without making it new
    # (`make data` after trying a few seeds), and --keep N should then still mean N versions.
    for v in sorted(stored, key=lambda v: not v.is_latest):  # stable: newest first otherwise
        rank[v.pipeline] = rank.get(v.pipeline, 0) + 1
        reason = _reason_to_keep(v, rank[v.pipeline], policy, now)
        if reason:
            kept.append((v, reason))
        else:
            doomed.append(v)
    kept_steps = frozenset().union(*(v.steps for v, _ in kept))
    steps = [p for p in inventory.step_folders(store) if p.name not in kept_steps]
    if steps and kept_steps and not any((store.root / STEPS_DIR / k).is_dir() for k in kept_steps):
        raise DataError(f"no step folder in {store.root / STEPS_DIR} matches a kept version's steps; "
                        "refusing to remove step outputs (is this notus older than the store?)")
    temps = inventory.temporaries(store)
    # Bytes are attributed step outputs first: a removed version's tables are hard links to them.
    ordered = [("step", p) for p in steps] + [("version", v.path) for v in doomed] + [("temporary", p) for p in temps]
    freed = inventory.freed_bytes([[path] for _, path in ordered])
    by_path = {path: Removal(kind, path, n) for (kind, path), n in zip(ordered, freed, strict=True)}
    removals = [by_path[v.path] for v in doomed] + [by_path[p] for p in (*steps, *temps)]
    return GcPlan(kept=tuple(kept), kept_steps=kept_steps, removals=tuple(removals))


def _reason_to_keep(v: StoredVersion, rank: int, policy: Policy, now: dt.datetime) -> str:
    if v.is_latest:
        return "latest"
    if v.pinned:
        return "pinned"
    if v.version_id in policy.keep_versions:
        return "--keep-version"
    if not v.readable:
        return "unreadable manifest"
    if policy.pipelines and v.pipeline not in policy.pipelines:
        return "pipeline not selected"
    if rank <= policy.keep:
        return f"{policy.keep} most recent"
    if policy.older_than_days is not None and now - v.created <= dt.timedelta(days=policy.older_than_days):
        return f"not older than {policy.older_than_days:g} days"
    return ""



def apply(store: Store, plan: GcPlan, catalog_path: Path) -> None:
    """Carry out a plan made under the same `locked`. Call only while holding it."""
    graveyard: list[Path] = []
    for r in plan.of("version"):
        if r.path.resolve() == store.latest(r.path.parent.name):  # a plan never says so; never trust it blindly
            raise DataError(f"{r.path} is its pipeline's latest version; gc does not remove it")
        graveyard.append(_bury(r.path))
    _sync_parents(graveyard)
    if plan.of("version") or catalog_stale(store, catalog_path):
        catalog.refresh(store, catalog_path)  # before the deleting, so the catalog never lists a buried version
    graveyard += [_bury(r.path) for r in plan.of("step")]
    _sync_parents(graveyard)
    for path in graveyard + [r.path for r in plan.of("temporary")]:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def catalog_stale(store: Store, catalog_path: Path) -> bool:
    """True if the catalog lists other versions (or paths) than the store holds: a gc was killed before it
    refreshed the catalog, or the store was moved. No catalog is not stale: the next `notus run` writes one."""
    if not catalog_path.is_file():
        return False
    try:
        con = catalog.connect_readonly(catalog_path)
        try:
            listed = set(con.sql("select pipeline, version_id, is_latest, path from version_log").fetchall())
        finally:
            con.close()
    except Exception:  # duckdb.Error, or a file that is no catalog: rewrite it
        return True
    return listed != {(v.pipeline, v.version_id, v.is_latest, str(v.path.resolve())) for v in inventory.versions(store)}


def _bury(path: Path) -> Path:
    """Rename out of the store in one atomic step; the `.tmp-` name makes it a leftover if we die."""
    grave = path.parent / f"{TMP_PREFIX}gc-{path.name}-{os.getpid()}"
    os.rename(path, grave)
    return grave


def _sync_parents(paths: list[Path]) -> None:
    """Make the renames durable before deleting, so a power cut cannot bring back a half-deleted folder."""
    for parent in sorted({p.parent for p in paths}):
        fsync_dir(parent)
