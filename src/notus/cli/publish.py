"""`notus publish VERSION_DIR --repo-id ORG/NAME`: put a version on the Hugging Face Hub, tagged by its id.

Uploads one config per table (Parquet shards, `preferences` split into train/test), a dataset card with the
provenance needed to rebuild it, `manifest.json` and `pipeline.yaml`, in one commit tagged with the version
id. Publishing the same version again changes nothing; a tag never moves. `--dry-run` writes the exact folder
instead of uploading it. The token comes from HF_TOKEN or `hf auth login`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from notus.core import pins
from notus.core.errors import UsageError
from notus.core.version import Version
from notus.publish.client import DEFAULT_TIMEOUT, default_endpoint, hub_session, resolve_token
from notus.publish.folder import build_folder
from notus.publish.layout import DEFAULT_MAX_SHARD_BYTES
from notus.publish.upload import check_repo_id, publish_version

DRY_RUN_ROOT = Path("data/publish")
MIB = 1024 * 1024


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("publish", help="publish a version to the Hugging Face Hub", description=__doc__)
    p.add_argument("version", help="a version folder (or a pipeline folder / its `latest`)")
    p.add_argument("--repo-id", required=True, metavar="ORG/NAME", help="the dataset repo to publish to")
    p.add_argument("--private", action="store_true", help="create the repo private (refused if it exists public)")
    p.add_argument(
        "--dry-run", nargs="?", const="", default=None, metavar="DIR",
        help=f"write the folder that would be uploaded to DIR (default {DRY_RUN_ROOT}/<version-id>) and stop; "
        "give it after VERSION_DIR, or as --dry-run=DIR",
    )
    p.add_argument("--endpoint", default=None, metavar="URL",
                   help="Hub endpoint (default: $HF_ENDPOINT or https://huggingface.co)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"give up on a request that makes no progress for this long (default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--tables", metavar="A,B", default=None,
                   help="the tables to upload (default: every table but prompts and responses, the input text)")
    p.add_argument("--max-shard-mb", type=float, default=DEFAULT_MAX_SHARD_BYTES / MIB, metavar="MB",
                   help="target size of one Parquet shard (default %(default)g)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    repo_id = check_repo_id(args.repo_id)
    if not args.max_shard_mb > 0:
        raise UsageError(f"--max-shard-mb must be positive, got {args.max_shard_mb:g}")
    version = Version.open(args.version)
    shard_bytes = max(1, int(args.max_shard_mb * MIB))
    tables = [t.strip() for t in args.tables.split(",") if t.strip()] if args.tables else None
    if args.dry_run is not None:
        version.verify()
        target = Path(args.dry_run) if args.dry_run else DRY_RUN_ROOT / version.version_id
        folder = build_folder(version, target, repo_id, shard_bytes, tables)
        size = sum((folder.root / f).stat().st_size for f in folder.files)
        print(f"notus: dry run: {len(folder.files)} files ({size:,} bytes) for {repo_id}@{version.version_id} "
              f"written to {folder.root}")
        for rel in folder.files:
            print(f"  {rel}")
        return 0
    endpoint = (args.endpoint or default_endpoint()).rstrip("/")
    token = resolve_token()
    with hub_session(endpoint, token, repo_id, args.timeout) as api:
        result = publish_version(api, version, repo_id, private=args.private, max_shard_bytes=shard_bytes,
                                 tables=tables)
    where = f"{endpoint}/datasets/{repo_id}"
    if result.committed:
        print(f"notus: published {version.pipeline} version {result.tag} to {where} "
              f"({result.files} files, commit {result.commit[:12]}, tag {result.tag})")
    elif result.tagged:
        print(f"notus: {where} already held version {result.tag} at commit {result.commit[:12]}; tagged it")
    else:
        print(f"notus: {where} already has version {result.tag} (tag {result.tag}, commit {result.commit[:12]}); "
              "nothing to do")
    if pins.keep_used(version.path, version.pipeline, f"published to {repo_id}"):
        print(f"notus: pinned {version.pipeline}/{version.path.name} so that `notus gc` keeps it")
    return 0
