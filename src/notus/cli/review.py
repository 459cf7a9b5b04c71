"""`notus review [VERSION_DIR | --pipeline NAME]`: the local web app where a person reviews a version's
queues and writes verdicts. Prints the URL (and, off loopback, the access token) and serves until Ctrl-C."""

from __future__ import annotations

import argparse
import contextlib
import getpass
from pathlib import Path

from notus.core.errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "review", help="review a version's queues in a local web page and write verdicts",
        description="Serve a web page over a built version: queues (review_needed, mismatches, contaminated, "
        "chosen_differs, everything), filters, each record in full, verdicts by keyboard (appended and fsynced "
        "to VERDICTS_DIR/human-<author>.jsonl), undo, bulk actions, and a rebuild that applies them.")
    p.add_argument("version", nargs="?", help="a version folder (or a pipeline folder / its `latest`)")
    p.add_argument("--pipeline", help="review the latest version of this pipeline under --build-dir")
    p.add_argument("--build-dir", type=Path, default=Path("data/build"), help="store root (default data/build)")
    p.add_argument("--compare", metavar="PIPELINE_OR_DIR",
                   help="another pipeline (its latest) or version folder: enables the chosen_differs queue")
    p.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument("--author", default=None, help="your name in the verdicts (default: your login name)")
    p.add_argument("--verdicts-dir", type=Path, default=None,
                   help="where verdicts are written (default $NOTUS_VERDICTS, else data/verdicts)")
    p.add_argument("--allow-remote", action="store_true",
                   help="allow a non-loopback --host; a token is printed and required on every request")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from notus.core.version import Version
    from notus.review.serve import Server, bind, default_verdicts, open_review, url

    if (args.version is None) == (args.pipeline is None):
        raise UsageError("give a version folder or --pipeline NAME (one of them)")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: expected 0..65535")
    version = Version.open(args.version or args.build_dir / args.pipeline)
    other = None
    if args.compare:
        folder = Path(args.compare)
        other = Version.open(folder if folder.exists() else args.build_dir / args.compare)
    review = open_review(version, other, args.verdicts_dir or default_verdicts(), args.author or getpass.getuser(),
                         args.host, args.allow_remote)
    sock = bind(args.host, args.port)
    print(f"notus review: {version.pipeline} version {version.version_id}; verdicts go to {review.ledger.path}")
    if review.guard.token:
        print(f"access token (required on every request): {review.guard.token}")
    print(url(review, sock), flush=True)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a reviewer stops the app
        Server(review, sock, log_level="warning").run()
    return 0
