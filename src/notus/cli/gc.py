"""`notus gc [PIPELINE...]`: remove old versions and unused step outputs, keeping what anything still needs.

Keeps every pipeline's latest version and its --keep most recent versions (latest counts as the most
recent), pinned versions (`notus pin`) and those named with --keep-version; removes the other versions of the
named pipelines (all when none is named), every step output no kept version of any pipeline was built from,
and temporaries left by killed runs. It waits for running builds (NOTUS_LOCK_TIMEOUT=SECONDS to give up) and
no build starts until it is done.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from notus.core import catalog, gc
from notus.core.errors import UsageError
from notus.core.runner import DEFAULT_BUILD_DIR
from notus.core.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gc", help="remove old versions and unused step outputs", description=__doc__)
    p.add_argument("pipelines", nargs="*", metavar="PIPELINE", help="only remove versions of these pipelines")
    p.add_argument("--build-dir", type=Path, default=DEFAULT_BUILD_DIR, help="store root (default data/build)")
    p.add_argument("--catalog", type=Path, help="DuckDB catalog file (default: BUILD_DIR/../notus.duckdb)")
    p.add_argument("--keep", type=int, default=3, metavar="N",
                   help="most recent versions kept per pipeline, latest included (default 3)")
    p.add_argument("--older-than", type=float, metavar="DAYS", help="remove only versions older than this")
    p.add_argument("--keep-version", action="append", default=[], metavar="ID",
                   help="also keep this version (an id or a version folder); repeatable")
    p.add_argument("--dry-run", action="store_true", help="print what would be removed and change nothing")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    if args.keep < 0:
        raise UsageError(f"--keep must be 0 or more, got {args.keep}")
    if args.older_than is not None and not args.older_than >= 0:
        raise UsageError(f"--older-than must be 0 or more days, got {args.older_than:g}")
    store = Store(args.build_dir)
    if not store.root.is_dir():
        raise UsageError(f"no store at {store.root}: nothing to collect")
    policy = gc.Policy(
        pipelines=tuple(dict.fromkeys(args.pipelines)), keep=args.keep, older_than_days=args.older_than,
        keep_versions=frozenset(Path(v).name for v in args.keep_version),
    )
    catalog_path = args.catalog or catalog.default_catalog(store.root)
    with gc.locked(store):
        plan = gc.plan(store, policy, now=dt.datetime.now(dt.UTC))
        verb = "would remove" if args.dry_run else "remove"
        for v, why in plan.kept:
            print(f"keep         {v.pipeline}/{v.version_id}  {_day(v.created)}  ({why})")
        for r in plan.removals:
            print(f"{verb:<12} {r.kind:<9} {_shown(r.path, store)}  {_size(r.freed)}")
        if not args.dry_run:
            gc.apply(store, plan, catalog_path)
    versions, steps = len(plan.of("version")), len(plan.of("step"))
    print(f"{'would free' if args.dry_run else 'freed'} {plan.freed:,} bytes ({_size(plan.freed)}): "
          f"{versions} version{'s' * (versions != 1)}, {steps} step output{'s' * (steps != 1)}, "
          f"{len(plan.of('temporary'))} temporaries; kept {len(plan.kept)} versions, "
          f"{len(plan.kept_steps)} step outputs" + ("  (dry run: nothing changed)" if args.dry_run else ""))
    return 0


def _shown(path: Path, store: Store) -> str:
    return path.relative_to(store.root).as_posix()


def _day(created: dt.datetime) -> str:
    return created.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")


def _size(n: int) -> str:
    """Bytes for a person: 1023 B, 1.5 KiB, 812.3 MiB, 2.1 GiB."""
    size, units = float(n), ["B", "KiB", "MiB", "GiB", "TiB"]
    while size >= 1024 and len(units) > 1:
        size, units = size / 1024, units[1:]
    return f"{n} B" if units[0] == "B" else f"{size:.1f} {units[0]}"
