"""One way to hold a lock file: `flock` on it, say so when someone else holds it, and wait — for ever,
or NOTUS_LOCK_TIMEOUT seconds, after which the waiter gives up with a one-line error.

Every lock in the store goes through here: a pipeline's (one run at a time), the store's gate (builds
shared, gc exclusive), the pins file's. flock locks die with their process, so a killed holder never
leaves a lock behind; the holder's pid, written into an exclusive lock's file, is only for the message.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from notus.core.errors import DataError


@contextlib.contextmanager
def hold(
    path: Path,
    *,
    exclusive: bool = True,
    waiting: Callable[[str], str] | None = None,
    gave_up: Callable[[float], str] | None = None,
) -> Iterator[None]:
    """Hold the lock on `path` (created if needed). When it is taken, print `waiting(holder pid)` on stderr
    (unless `waiting` is None) and wait; past NOTUS_LOCK_TIMEOUT raise DataError(`gave_up(seconds)`).
    An exclusive holder writes its pid into the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                fh.seek(0)
                print(waiting(fh.read().strip() or "?"), file=sys.stderr, flush=True)
            _wait(fh.fileno(), mode, gave_up or (lambda s: f"{path} is still locked after {s:g}s"))
        if exclusive:
            fh.seek(0)
            fh.truncate()
            fh.write(str(os.getpid()))
            fh.flush()
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _wait(fd: int, mode: int, gave_up: Callable[[float], str]) -> None:
    limit = os.environ.get("NOTUS_LOCK_TIMEOUT")
    if not limit:
        fcntl.flock(fd, mode)
        return
    deadline = time.monotonic() + float(limit)
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise DataError(gave_up(float(limit))) from None
            time.sleep(0.1)
