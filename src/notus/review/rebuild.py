"""A rebuild started from the page: `notus run` of the version's own spec, params and sources, with the
verdicts folder as the `verdicts` source, in a child process whose progress the page polls.

WHY a child process: a build takes seconds to minutes and much memory; run apart, it cannot stall or bloat
the server, and it is exactly the command a person would type (`make data` does the same for every
pipeline). The command is a list of arguments, never a shell string.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from notus.core.version import Version

_STEP = re.compile(r"\[(\d+)/(\d+)\]")


def command(version: Version, verdicts: Path, cwd: Path) -> list[str]:
    """The `notus run` that rebuilds `version` with the verdicts in `verdicts` (paths resolved from `cwd`)."""
    manifest = version.manifest
    spec = Path(str(manifest.get("spec_path") or f"pipelines/{version.pipeline}.yaml"))
    args = [sys.executable, "-m", "notus.cli.main", "run", str(spec if spec.is_absolute() else cwd / spec),
            "--build-dir", str(version.path.parent.parent)]
    for name, value in sorted(version.params.items()):
        args += ["--set", f"{name}={value if isinstance(value, str) else json.dumps(value)}"]
    for name, source in sorted(manifest.get("sources", {}).items()):
        if name != "verdicts" and source.get("uri"):
            args += ["--source", f"{name}={source['uri']}"]
    return [*args, "--source", f"verdicts={verdicts.resolve()}"]


@dataclass
class Rebuild:
    """One rebuild's state, as the page shows it: running, done (with the new folder) or failed."""

    args: list[str]
    cwd: Path
    state: str = "running"
    step: int = 0
    steps: int = 0
    lines: list[str] = field(default_factory=list)
    folder: Path | None = None
    _thread: threading.Thread | None = None

    def start(self) -> Rebuild:
        self._thread = threading.Thread(target=self._run, daemon=True, name="notus-rebuild")
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            proc = subprocess.Popen(self.args, cwd=self.cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, bufsize=1)
        except OSError as exc:
            self.lines.append(f"could not start notus run: {exc}")
            self.state = "failed"
            return
        out: list[str] = []
        reader = threading.Thread(target=lambda: out.extend(proc.stdout or ()), daemon=True)
        reader.start()
        for line in proc.stderr or ():
            self.lines = [*self.lines[-19:], line.rstrip()]
            if found := _STEP.search(line):
                self.step, self.steps = int(found.group(1)), int(found.group(2))
        code = proc.wait()
        reader.join()
        last = out[-1].strip() if out else ""
        if code == 0 and last:
            self.folder, self.state = Path(last), "done"
        else:
            self.state = "failed"

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def status(self) -> dict[str, object]:
        return {"state": self.state, "step": self.step, "steps": self.steps, "lines": self.lines[-5:],
                "folder": str(self.folder) if self.folder else None}
