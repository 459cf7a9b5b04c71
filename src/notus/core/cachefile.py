"""Files in the store's `.cache/` folder (source digests, no-op memos): JSON written whole to a temporary
name and renamed into place, so a reader never sees half of one and a crash leaves the previous one.

They only ever save recomputing something (a digest, a version id), so losing one costs time, never a
result: no fsync, and a reader treats an unreadable file as absent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def write(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(value), encoding="utf-8")
    os.replace(tmp, path)
