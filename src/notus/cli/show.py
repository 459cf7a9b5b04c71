"""`notus show VERSION_DIR`: what a version holds and how it was made."""

from __future__ import annotations

import argparse
import json

from notus.core.version import Version


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("show", help="tables, rows, fingerprints and timings of a version", description=__doc__)
    p.add_argument("version", help="a version folder (or a pipeline folder / its `latest`)")
    p.add_argument("--json", action="store_true", help="print the manifest")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    v = Version.open(args.version)
    m = v.manifest
    if args.json:
        print(json.dumps(m, indent=2))
        return 0
    print(f"pipeline   {v.pipeline}")
    print(f"version    {v.version_id}   ({v.path})")
    print(f"created    {m.get('created_at')}   build {m.get('build_seconds', 0):.2f}s")
    print(f"params     {json.dumps(m.get('params', {}), sort_keys=True)}")
    for name, src in m.get("sources", {}).items():
        print(f"source     {name}: {src['uri']}  ({len(src['files'])} files, fingerprint {src['fingerprint'][:16]})")
    print("\ntables")
    for name, t in m.get("tables", {}).items():
        print(f"  {name:<20} {t['rows']:>12,} rows  {len(t['schema'])} columns  sha256 {t['sha256'][0][:16]}")
    print("\nsteps")
    for s in m.get("steps", []):
        rows = ", ".join(f"{k} {n:,}" for k, n in s["rows"].items())
        state = "cached" if s.get("cached") else ""
        print(f"  {s['name']:<22} {s['kind']:<6} {s['fingerprint'][:16]}  {s['seconds']:8.2f}s {state:<6}  {rows}")
    audits = m.get("audits", {})
    if audits:
        print("\naudits")
        for name, a in audits.items():
            print(f"  {name:<22} {'ok' if a['ok'] else 'FAILED'}")
    versions = m.get("versions", {})
    print("\nengines    " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    return 0
