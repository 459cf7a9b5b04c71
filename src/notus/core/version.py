"""Reading a built version through its manifest — the only door report, publish and train use.

A version folder holds one Parquet file (or a folder of shards) per published table and `manifest.json`.
Consumers never look at curation internals: they ask a `Version` for a table by name, and can ask it to
`verify()` that the files on disk are the ones the manifest describes before trusting them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

from notus.core.errors import DataError, UsageError
from notus.core.sources import file_sha256

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Version:
    path: Path
    manifest: dict[str, Any]

    @classmethod
    def open(cls, path: str | Path) -> Version:
        """Open a version folder (or a `latest` link, or a pipeline folder meaning its latest)."""
        p = Path(path).expanduser()
        if p.is_dir() and not (p / MANIFEST).exists() and (p / "latest").exists():
            p = p / "latest"
        if not (p / MANIFEST).is_file():
            raise UsageError(f"{path}: not a notus version folder (no {MANIFEST})")
        try:
            manifest = json.loads((p / MANIFEST).read_text())
        except (OSError, ValueError) as exc:
            raise DataError(f"{p / MANIFEST}: unreadable manifest: {exc}") from exc
        return cls(path=p.resolve(), manifest=manifest)

    @property
    def version_id(self) -> str:
        return str(self.manifest["version_id"])

    @property
    def pipeline(self) -> str:
        return str(self.manifest["pipeline"])

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.manifest.get("params", {}))

    @property
    def tables(self) -> list[str]:
        return list(self.manifest.get("tables", {}))

    def table(self, name: str) -> dict[str, Any]:
        try:
            return self.manifest["tables"][name]
        except KeyError:
            raise UsageError(
                f"{self.path}: version has no table '{name}' (it has: {', '.join(self.tables)})"
            ) from None

    def files(self, name: str) -> list[Path]:
        return [self.path / f for f in self.table(name)["files"]]

    def rows(self, name: str) -> int:
        return int(self.table(name)["rows"])

    def scan(self, name: str) -> pl.LazyFrame:
        return pl.scan_parquet([str(f) for f in self.files(name)])

    def glob(self, name: str) -> str:
        """A path DuckDB's read_parquet accepts for this table."""
        files = self.files(name)
        return str(files[0]) if len(files) == 1 else str(files[0].parent / "*.parquet")

    def verify(self) -> None:
        """Raise DataError unless every table file exists with the manifest's hash and row count."""
        for name in self.tables:
            entry = self.table(name)
            rows = 0
            for rel, digest in zip(entry["files"], entry["sha256"], strict=True):
                f = self.path / rel
                if not f.is_file():
                    raise DataError(f"{self.path}: table '{name}' file {rel} is missing")
                if file_sha256(f) != digest:
                    raise DataError(f"{self.path}: table '{name}' file {rel} does not match its manifest hash")
                rows += pq.ParquetFile(f).metadata.num_rows
            if rows != entry["rows"]:
                raise DataError(f"{self.path}: table '{name}' has {rows} rows, manifest says {entry['rows']}")
