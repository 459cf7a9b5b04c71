"""`notus versions [PIPELINE]`: the versions in the store, newest last, `*` marking latest; `--json` for scripts."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from notus.core import inventory
from notus.core.errors import UsageError
from notus.core.runner import DEFAULT_BUILD_DIR
from notus.core.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("versions", help="list built versions", description=__doc__)
    p.add_argument("pipeline", nargs="?", help="only this pipeline")
    p.add_argument("--build-dir", type=Path, default=DEFAULT_BUILD_DIR)
    p.add_argument("--json", action="store_true", help="one JSON list of objects (pipeline, version_id, "
                   "created_at, is_latest, pinned, rows, tables, path, bytes)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    store = Store(args.build_dir)
    if args.pipeline and args.pipeline not in store.pipelines():
        raise UsageError(f"no pipeline '{args.pipeline}' in {args.build_dir}")
    stored = inventory.versions(store)  # newest first within a pipeline; shown newest last
    rows = [_row(v) for pipeline in ([args.pipeline] if args.pipeline else store.pipelines())
            for v in reversed([v for v in stored if v.pipeline == pipeline])]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'':1} {'pipeline':<16} {'version':<16} {'created (UTC)':<25} {'rows':>10}  tables")
    for r in rows:
        mark = "*" if r["is_latest"] else " "
        print(f"{mark} {r['pipeline']:<16} {r['version_id']:<16} {r['created_at'] or '':<25} {r['rows']:>10,}  "
              f"{', '.join(r['tables'])}" + ("  (pinned)" if r["pinned"] else ""))
    return 0


def _row(v: inventory.StoredVersion) -> dict[str, Any]:
    tables = v.manifest.get("tables", {})
    return {
        "pipeline": v.pipeline,
        "version_id": v.version_id,
        "created_at": v.manifest.get("created_at"),
        "is_latest": v.is_latest,
        "pinned": v.pinned,
        "rows": sum(int(t.get("rows", 0)) for t in tables.values()),
        "tables": list(tables),
        "path": str(v.path.resolve()),
        "bytes": sum(f.stat().st_size for f in v.path.rglob("*") if f.is_file()),  # shared with step outputs
    }
