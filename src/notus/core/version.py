"""Reading a built version through its manifest — the only door report, publish and train use.

A version folder holds one Parquet file (or a folder of shards) per published table and `manifest.json`.
Consumers never look at curation internals: they ask a `Version` for a table by name, and can ask it to
`verify()` that the files on disk are the ones the manifest describes before trusting them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow.parquet as pq

from notus.core.digests import file_sha256
from notus.core.errors import DataError, UsageError
from notus.core.sources import Source

if TYPE_CHECKING:
    from notus.core.spec import PipelineSpec

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1


def new_manifest(
    spec: PipelineSpec, version_id: str, params: Mapping[str, Any], sources: Mapping[str, Source],
    steps: list[dict[str, Any]], audits: Mapping[str, Any], folder: Path, build_seconds: float,
) -> dict[str, Any]:
    """The manifest of a version whose published tables are already in `folder` (`<table>.parquet`):
    everything needed to trust, read and rebuild it."""
    from notus.core.fingerprint import engine_versions

    return {
        "notus_manifest": MANIFEST_FORMAT,
        "version_id": version_id,
        "pipeline": spec.name,
        "description": spec.description,
        "spec_path": spec.path.relative_to(spec.root).as_posix(),
        "spec": spec.document,
        "spec_text": spec.text,
        "params": dict(params),
        "sources": {name: s.describe() for name, s in sources.items()},
        "steps": steps,
        "tables": {table: describe_table(folder / f"{table}.parquet") for table in spec.publish},
        "audits": dict(audits),
        "versions": engine_versions(),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "build_seconds": round(build_seconds, 3),
    }


def describe_table(path: Path) -> dict[str, Any]:
    """A published table's manifest entry: its file, hash, rows and schema."""
    schema = pq.read_schema(path)
    return {
        "files": [path.name],
        "sha256": [file_sha256(path)],
        "rows": pq.ParquetFile(path).metadata.num_rows,
        "schema": {field.name: str(field.type) for field in schema},
    }


def write_manifest(folder: Path, manifest: Mapping[str, Any]) -> None:
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str) + "\n")


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
