"""The DuckDB catalog: one schema per pipeline, a view per table of its latest version, and `versions`.

DuckDB names a database after its file, so in `data/notus.duckdb` the pipeline called `notus` lives in
the `main` schema: `notus.preferences` then reads as catalog.table and is not ambiguous.

The file is rebuilt whole into a temporary file and renamed over the old one, so a reader (or a crash)
never sees it half-written. It is written in storage format v1.5.0 so the `duckdb` shell from PyPI
(duckdb-cli 1.5.x) opens it as well as the Python package does.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from pathlib import Path

import duckdb

from notus.core import sqlfile
from notus.core.store import Store
from notus.core.version import MANIFEST, Version

STORAGE_VERSION = "v1.5.0"


def schema_name(pipeline: str) -> str:
    """SQL-friendly schema for a pipeline name (`notus-cleaned` -> `notus_cleaned`)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", pipeline)


def default_catalog(build_dir: Path) -> Path:
    return build_dir.parent / "notus.duckdb"


def refresh(store: Store, path: Path) -> None:
    """Rebuild the catalog at `path` from the store's latest versions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f".{path.name}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for stale in path.parent.glob(f".{path.name}.tmp-*"):  # left by a killed run; we hold the lock
            stale.unlink(missing_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        con = duckdb.connect()
        try:
            con.execute(f"ATTACH {sqlfile.literal(tmp)} AS cat (STORAGE_VERSION '{STORAGE_VERSION}')")
            con.execute(
                "CREATE TABLE cat.main.version_log (pipeline VARCHAR, version_id VARCHAR, created_at VARCHAR, "
                "is_latest BOOLEAN, path VARCHAR, params VARCHAR, tables VARCHAR, rows BIGINT)"
            )
            for pipeline in store.pipelines():
                latest = store.latest(pipeline)
                for folder in store.versions(pipeline):
                    _log_version(con, folder, latest)
                if latest is None:
                    continue
                schema = schema_name(pipeline)
                if schema == path.stem:
                    # DuckDB names the database after its file; a schema of the same name would make
                    # `notus.preferences` ambiguous, so that pipeline's views live in `main`.
                    schema = "main"
                version = Version.open(latest)
                con.execute(f'CREATE SCHEMA IF NOT EXISTS cat."{schema}"')
                for table in version.tables:
                    files = ", ".join(sqlfile.literal(f) for f in version.files(table))
                    con.execute(
                        f'CREATE VIEW cat."{schema}"."{table}" AS SELECT * FROM read_parquet([{files}])'
                    )
                if schema != "main":
                    con.execute(
                        f'CREATE VIEW cat."{schema}".versions AS SELECT * FROM cat.main.version_log '
                        f"WHERE pipeline = {sqlfile.literal(pipeline)}"
                    )
            con.execute("CREATE VIEW cat.main.versions AS SELECT * FROM cat.main.version_log")
            con.execute("DETACH cat")
        finally:
            con.close()
        os.replace(tmp, path)


def _log_version(con: duckdb.DuckDBPyConnection, folder: Path, latest: Path | None) -> None:
    manifest = json.loads((folder / MANIFEST).read_text())
    tables = manifest.get("tables", {})
    con.execute(
        "INSERT INTO cat.main.version_log VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [
            manifest.get("pipeline"), manifest.get("version_id"), manifest.get("created_at"),
            latest is not None and folder.resolve() == latest, str(folder.resolve()),
            json.dumps(manifest.get("params", {}), sort_keys=True), ",".join(tables),
            sum(int(t.get("rows", 0)) for t in tables.values()),
        ],
    )


def connect_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.is_file():
        from notus.core.errors import UsageError

        raise UsageError(f"no catalog at {path}: run `notus run PIPELINE.yaml` (or `make data`) first")
    return duckdb.connect(str(path), read_only=True)
