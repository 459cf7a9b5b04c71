"""What an ingest made of its input, said before anything is built on it.

WHY: an input of the wrong kind (a CSV named `.jsonl`, another dataset's export) gives no valid record at
all, and quietly building an empty version from it wastes the user's next hour. So an ingest that found
no valid record stops with one line naming the commonest reasons, and one where more than
`WARN_INVALID_SHARE` of the records were quarantined says so on stderr (the run goes on: the `dropped`
table has every one of them with its file and line).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import TextIO

import pyarrow.compute as pc
import pyarrow.parquet as pq

from notus.core.errors import DataError

WARN_INVALID_SHARE = 0.05
REASONS_SHOWN = 3


def invalid_reasons(invalid_table: Path) -> Counter[str]:
    """Reason -> count, from an ingest's `invalid` Parquet file (small: only quarantined records)."""
    reasons = pq.read_table(invalid_table, columns=["reason"]).column("reason")
    counts = pc.value_counts(reasons).to_pylist()
    return Counter({row["values"]: row["counts"] for row in counts})


def check(valid: int, invalid: Counter[str], source: str, stream: TextIO | None = None) -> None:
    """Stop when no record is valid; warn when more than 5 % are invalid."""
    total = valid + sum(invalid.values())
    if valid == 0:
        if total == 0:
            raise DataError(f"{source}: no records found (empty input)")
        raise DataError(f"{source}: none of its {total:,} records is valid ({_commonest(invalid)}); "
                        "is it the right file and format?")
    share = (total - valid) / total
    if share > WARN_INVALID_SHARE:
        print(f"notus: warning: {total - valid:,} of {total:,} input records ({share:.1%}) are invalid "
              f"({_commonest(invalid)}); they are listed in `dropped`", file=stream or sys.stderr, flush=True)


def _commonest(invalid: Counter[str]) -> str:
    shown = [f"{reason} {count:,}" for reason, count in invalid.most_common(REASONS_SHOWN)]
    rest = len(invalid) - REASONS_SHOWN
    return ", ".join(shown) + (f", and {rest} more reason(s)" if rest > 0 else "")
