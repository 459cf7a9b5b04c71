"""One review session's state: the version served (replaced after a rebuild from the page), the verdicts
folder, the guard, and the rebuild in progress. The routes (`app`) read it; nothing else holds state.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from notus.core.version import Version
from notus.review.data import ReviewData
from notus.review.ledger import Ledger
from notus.review.rebuild import Rebuild
from notus.review.security import Guard


@dataclass
class Review:
    """What the app serves: the version (replaced after a rebuild), the verdicts folder, the guard."""

    data: ReviewData
    ledger: Ledger
    guard: Guard
    cwd: Path
    rebuild: Rebuild | None = None
    _switch: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self) -> None:
        """Reread the verdicts folder (another reviewer or a judge may have written) into the queries."""
        self.data.set_live((v.prompt_id, v.completion_index) for v in self.ledger.live())

    def pending(self) -> int:
        """Verdict lines in the folder that the served version has not applied yet."""
        return sum(1 for v in self.ledger.lines() if v.verdict_id not in self.data.version_verdict_ids)

    def first_queue(self) -> str:
        """Where the page opens: the first queue with something left to review."""
        progress = self.data.progress()
        return next((q for q in self.data.queues if progress[q][0] < progress[q][1]), self.data.queues[0])

    def follow_rebuild(self) -> None:
        """After a successful rebuild, serve the new version (once)."""
        with self._switch:
            job = self.rebuild
            if job and job.state == "done" and job.folder and Version.open(job.folder).path != self.data.version.path:
                self.data = ReviewData(Version.open(job.folder), self.data.other)
                self.refresh()
