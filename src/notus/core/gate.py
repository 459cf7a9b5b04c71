"""The store's gate: one lock file at the store root that every build holds shared and `notus gc` holds alone.

Pipeline locks serialise runs of one pipeline, but step outputs are shared by all pipelines, and a build of
a pipeline that gc has never seen (its folder appears only when that build starts) takes a lock gc cannot
know about. So `Store.lock` also takes this gate in shared mode, and gc takes it exclusively: while gc
holds it no build is running anywhere in the store, and no build starts until gc is done. Locks are always
taken gate first, pipeline second, so there is no lock-order deadlock.

NOTUS_LOCK_TIMEOUT=SECONDS makes a waiter give up with a one-line error instead of waiting forever.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from notus.core.errors import DataError

GATE = ".gc.lock"


@contextlib.contextmanager
def hold(root: Path, *, exclusive: bool, quiet: bool = False) -> Iterator[None]:
    """Hold the gate of the store at `root`: shared for a build or a pin, exclusive for gc."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / GATE, "a+") as fh:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        try:
            fcntl.flock(fh, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            if not quiet:
                print(_waiting_message(fh, root, exclusive), file=sys.stderr, flush=True)
            _wait(fh, mode, exclusive, root)
        if exclusive:  # only gc writes its pid: a shared holder cannot own the file's contents
            fh.seek(0)
            fh.truncate()
            fh.write(str(os.getpid()))
            fh.flush()
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _waiting_message(fh: IO[str], root: Path, exclusive: bool) -> str:
    if exclusive:
        return f"notus: a build is running in {root}; gc waits for it to finish…"
    fh.seek(0)
    holder = fh.read().strip() or "?"
    return f"notus: `notus gc` (pid {holder}) is cleaning {root}; waiting for it…"


def _wait(fh: IO[str], mode: int, exclusive: bool, root: Path) -> None:
    wait = os.environ.get("NOTUS_LOCK_TIMEOUT")
    if not wait:
        fcntl.flock(fh, mode)
        return
    deadline = time.monotonic() + float(wait)
    while True:
        try:
            fcntl.flock(fh, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                who = "a build" if exclusive else "`notus gc`"
                raise DataError(f"{who} still holds the store {root} after {float(wait):g}s") from None
            time.sleep(0.1)
