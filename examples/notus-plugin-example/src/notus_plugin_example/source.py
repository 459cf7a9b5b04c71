"""The `example-pairs://N` source scheme: N made-up preference pairs in a Parquet file, written once into
a cache folder. It shows what a scheme is: a function from a URI to a local file or folder (the engine then
fingerprints it like any other input) and whether it can be used now."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import polars as pl

from notus.core.errors import UsageError
from notus.core.plugins import SourceScheme

PREFIX = "example-pairs://"


def resolve(uri: str) -> Path:
    count = uri[len(PREFIX):]
    if not count.isdigit() or int(count) < 1:
        raise UsageError(f"{uri}: expected {PREFIX}N with N >= 1 pairs")
    n = int(count)
    folder = Path(os.environ.get("NOTUS_EXAMPLE_CACHE") or Path(tempfile.gettempdir()) / "notus-example-pairs")
    target = folder / f"pairs-{n}.parquet"
    if not target.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        frame = pl.DataFrame({
            "pair_id": list(range(n)),
            "prompt": [f"Question {i}?" for i in range(n)],
            "chosen": ["A careful answer. " * (1 + i % 5) for i in range(n)],
            "rejected": ["No." if i % 3 else "A careless answer. " * 2 for i in range(n)],
        })
        tmp = target.with_name(f".{target.name}.{os.getpid()}")
        frame.write_parquet(tmp)
        os.replace(tmp, target)
    return target


SCHEME = SourceScheme(resolve=resolve, doc="N made-up preference pairs: example-pairs://N")
