"""`notus plugins`: the steps and source schemes installed packages offer, and where each comes from."""

from __future__ import annotations

import argparse
import json

from notus.core import plugins


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plugins", help="list installed steps and source schemes", description=__doc__)
    p.add_argument("--json", action="store_true", help="print them as JSON")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    groups = {
        "steps": plugins.installed(plugins.STEPS_GROUP),
        "sources": plugins.installed(plugins.SOURCES_GROUP),
    }
    if args.json:
        print(json.dumps({g: [vars(p) for p in sorted(found.values(), key=lambda p: p.name)]
                          for g, found in groups.items()}, indent=2))
        return 0
    for title, found in groups.items():
        print(f"{title} ({len(found)})")
        for plugin in sorted(found.values(), key=lambda p: p.name):
            name = f"{plugin.name}://" if title == "sources" else plugin.name
            print(f"  {name:<36} {plugin.value:<56} {plugin.distribution}")
    return 0
