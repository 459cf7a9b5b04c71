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
from collections.abc import Iterator
from pathlib import Path

from notus.core import locks

GATE = ".gc.lock"


@contextlib.contextmanager
def hold(root: Path, *, exclusive: bool, quiet: bool = False) -> Iterator[None]:
    """Hold the gate of the store at `root`: shared for a build or a pin, exclusive for gc."""
    if exclusive:
        def waiting(holder: str) -> str:
            return f"notus: a build is running in {root}; gc waits for it to finish…"
    else:
        def waiting(holder: str) -> str:
            return f"notus: `notus gc` (pid {holder}) is cleaning {root}; waiting for it…"

    who = "a build" if exclusive else "`notus gc`"
    with locks.hold(root / GATE, exclusive=exclusive, waiting=None if quiet else waiting,
                    gave_up=lambda s: f"{who} still holds the store {root} after {s:g}s"):
        yield
