"""Per-step progress on stderr: a live line on a terminal, plain lines otherwise (logs, CI, pipes).

stdout is kept for the result (the version folder), so scripts can take `notus run ... | tail -1`.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

_SPIN = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class Progress:
    def __init__(self, stream: TextIO | None = None, live: bool | None = None, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.quiet = quiet
        self.total = 0
        self.index = 0
        self._current: tuple[str, str, float] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def begin(self, pipeline: str, version_id: str, steps: int) -> None:
        self.total, self.index = steps, 0
        self.line(f"notus: {pipeline} → version {version_id} ({steps} steps)")

    def line(self, text: str) -> None:
        if self.quiet:
            return
        with self._lock:
            if self.live:
                self.stream.write("\r\033[K")
            self.stream.write(text + "\n")
            self.stream.flush()

    def step_start(self, name: str, kind: str) -> None:
        self.index += 1
        self._current = (name, kind, time.monotonic())
        if self.live and not self.quiet:
            self._stop.clear()
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()

    def step_done(self, name: str, kind: str, rows: dict[str, int], seconds: float, cached: bool) -> None:
        if not self._current or self._current[0] != name:
            self.index += 1
        self._halt()
        counts = ", ".join(f"{t} {n:,}" for t, n in rows.items())
        state = "cached" if cached else f"{seconds:6.2f}s"
        self.line(f"  [{self.index}/{self.total}] {name:<24} {kind:<6} {state:>8}  {counts}")

    def close(self) -> None:
        self._halt()

    def _halt(self) -> None:
        self._current = None
        if self._thread:
            self._stop.set()
            self._thread.join()
            self._thread = None

    def _tick(self) -> None:
        frame = 0
        while not self._stop.wait(0.1):
            current = self._current
            if current is None:
                continue
            name, kind, start = current
            with self._lock:
                self.stream.write(
                    f"\r\033[K  {_SPIN[frame % len(_SPIN)]} [{self.index}/{self.total}] {name:<24} {kind:<6} "
                    f"{time.monotonic() - start:6.1f}s"
                )
                self.stream.flush()
            frame += 1
