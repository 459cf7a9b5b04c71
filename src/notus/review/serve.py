"""Starting the review app: the version, the verdicts folder, the guard, and a uvicorn server on a socket
bound before serving (so port 0 can be resolved and printed, and a test knows the port before a request).

WHY uvicorn with one worker: one reviewer (or a few) on one machine; one process holds the one DuckDB
connection, and a verdict is fsynced inside the request that writes it.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import uvicorn

from notus.core.errors import UsageError
from notus.core.version import Version
from notus.review.app import create_app
from notus.review.data import ReviewData
from notus.review.ledger import Ledger, checked_author
from notus.review.security import Guard, is_loopback
from notus.review.session import Review
from notus.review.tables import MissingTable
from notus.verdicts.format import VerdictError


def default_verdicts() -> Path:
    """The folder the pipelines read verdicts from by default (their `verdicts` source)."""
    return Path(os.environ.get("NOTUS_VERDICTS") or "data/verdicts")


def open_review(version: Version, other: Version | None, verdicts: Path, author: str, host: str,
                allow_remote: bool = False, cwd: Path | None = None) -> Review:
    """A Review ready to serve; UsageError for a host that needs --allow-remote, a bad author or version."""
    if not is_loopback(host) and not allow_remote:
        raise UsageError(f"--host {host}: not a loopback address; serving others needs --allow-remote (a token "
                         "is then printed and required on every request)")
    try:
        name = checked_author(author)
    except VerdictError as exc:
        raise UsageError(f"--author {author!r}: {exc}") from None
    if verdicts.exists() and not verdicts.is_dir():
        raise UsageError(f"--verdicts-dir {verdicts}: not a folder")
    try:
        data = ReviewData(version, other)
    except MissingTable as exc:
        raise UsageError(str(exc)) from None
    review = Review(data, Ledger(verdicts, name), Guard(host), cwd or Path.cwd())
    review.refresh()
    return review


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 picks a free one (`sock.getsockname()[1]`)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(128)
    return sock


def url(review: Review, sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/" + (f"?token={review.guard.token}" if review.guard.token else "")


class Server:
    """uvicorn serving `review` on `sock`, in this thread (`run`) or a background one (`start`/`stop`)."""

    def __init__(self, review: Review, sock: socket.socket, log_level: str = "warning") -> None:
        self.review, self.sock = review, sock
        config = uvicorn.Config(create_app(review), log_level=log_level, access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    def run(self) -> None:
        self._server.run(sockets=[self.sock])

    def start(self) -> Server:
        self._thread = threading.Thread(target=self.run, daemon=True, name="notus-review")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        self.sock.close()
        self.review.data.close()
