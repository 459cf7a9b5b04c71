"""`notus versions [PIPELINE]`: the versions in the store, newest last, `*` marking latest."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from notus.core.errors import UsageError
from notus.core.runner import DEFAULT_BUILD_DIR
from notus.core.store import Store
from notus.core.version import MANIFEST


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("versions", help="list built versions", description=__doc__)
    p.add_argument("pipeline", nargs="?", help="only this pipeline")
    p.add_argument("--build-dir", type=Path, default=DEFAULT_BUILD_DIR)
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    store = Store(args.build_dir)
    pipelines = [args.pipeline] if args.pipeline else store.pipelines()
    if args.pipeline and args.pipeline not in store.pipelines():
        raise UsageError(f"no pipeline '{args.pipeline}' in {args.build_dir}")
    print(f"{'':1} {'pipeline':<16} {'version':<16} {'created (UTC)':<25} {'rows':>10}  tables")
    for pipeline in pipelines:
        latest = store.latest(pipeline)
        for folder in store.versions(pipeline):
            m = json.loads((folder / MANIFEST).read_text())
            tables = m.get("tables", {})
            mark = "*" if latest is not None and folder.resolve() == latest else " "
            rows = sum(t.get("rows", 0) for t in tables.values())
            print(f"{mark} {pipeline:<16} {m['version_id']:<16} {m.get('created_at', ''):<25} {rows:>10,}  "
                  f"{', '.join(tables)}")
    return 0
