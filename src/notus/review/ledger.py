"""The verdicts folder as the review app sees it: what is already decided, what this session wrote (for
undo), and the one place the app writes to.

WHY re-read the folder instead of caching: a judge or a second reviewer may append to it while the page is
open, and the lines are few compared with the version's rows (reading them is milliseconds). Every write goes
through `notus.verdicts.format.append`, which fsyncs before returning, and the app acknowledges a verdict
only after that: a crash loses nothing the page showed as saved.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from notus.verdicts.format import RETRACT, Verdict, VerdictError, append, read, retraction

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class LiveVerdict:
    """A verdict line in the folder that no retract line withdraws."""

    verdict_id: str
    action: str
    prompt_id: str
    completion_index: int | None
    author: str
    created_at: str
    note: str
    score: float | None


@dataclass
class Ledger:
    folder: Path
    author: str  # human:<name>
    _batches: list[list[Verdict]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _parsed: dict[Path, tuple[tuple[int, int], list[Verdict]]] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        """This reviewer's file: one file per author keeps concurrent reviewers' lines apart."""
        name = _SAFE.sub("-", self.author.removeprefix("human:")).strip("-.") or "reviewer"
        return self.folder / f"human-{name}.jsonl"

    def lines(self) -> list[Verdict]:
        """Every well-formed line of every file in the folder (a malformed one is the build's to report).
        A file is parsed again only when its size or mtime changed: a judge's file can hold many lines."""
        found: list[Verdict] = []
        for path in sorted(self.folder.glob("*.jsonl")) if self.folder.is_dir() else ():
            stat = path.stat()
            key = (stat.st_size, stat.st_mtime_ns)
            cached = self._parsed.get(path)
            if cached is None or cached[0] != key:
                cached = (key, [v for _, v in read(path) if not isinstance(v, VerdictError)])
                self._parsed[path] = cached
            found += cached[1]
        return found

    def live(self) -> list[LiveVerdict]:
        """The lines no retract withdraws, retracts and judge_failed excluded (they decide nothing)."""
        lines = self.lines()
        withdrawn = {v.retracts for v in lines if v.action == RETRACT}
        return [LiveVerdict(v.verdict_id, v.action, v.prompt_id, v.completion_index, v.author, v.created_at,
                            v.note, v.score)
                for v in lines if v.action not in (RETRACT, "judge_failed") and v.verdict_id not in withdrawn]

    def write(self, verdicts: list[Verdict]) -> list[str]:
        """Append (fsynced) one batch; it is what one undo withdraws. Returns the verdict ids."""
        with self._lock:
            append(self.path, verdicts)
            self._batches.append(verdicts)
        return [v.verdict_id for v in verdicts]

    def undo(self) -> list[Verdict]:
        """Retract this session's last batch (fsynced); returns the withdrawn verdicts, [] when none is left."""
        with self._lock:
            if not self._batches:
                return []
            batch = self._batches.pop()
            append(self.path, [retraction(v.verdict_id, v.prompt_id, self.author, v.version_id, v.pipeline)
                               for v in batch])
        return batch

    @property
    def can_undo(self) -> int:
        return len(self._batches)


def checked_author(name: str) -> str:
    """`human:<name>` for a reviewer's name; VerdictError when the name cannot be an author."""
    author = name if name.startswith("human:") else f"human:{name}"
    Verdict(action="drop_record", prompt_id="0" * 64, author=author, created_at="", version_id="",
            pipeline="").check()
    return author
