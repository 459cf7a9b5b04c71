"""The report's one database: DuckDB views over a version's published tables, and the SQL files that ask them.

WHY a view per table, named after the table: the report's queries (sql/report/*.sql) then read exactly
like the pipeline's own SQL, and `notus.core.sqlfile.read_tables` tells which tables a query needs, so a
figure whose tables a version does not publish is skipped with a sentence instead of failing. The version
compared against (`--compare`) is mounted under the same names with the prefix `other_`.

Columns the report can use but the table contract does not promise (a mismatch's `evidence`, a critique
text) are padded with NULLs so that one query serves every version; `critiques` and `prompt_texts` gather
the critique and prompt texts from whichever published table carries them, and are empty when none does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from notus.core import sqlfile
from notus.core.errors import DataError, UsageError, first_line
from notus.core.sqlfile import literal
from notus.core.version import Version

SQL_DIR = Path(__file__).resolve().parents[3] / "sql" / "report"
OTHER = "other_"

# table -> {column: DuckDB type} the report reads when present and pads with NULL when absent.
OPTIONAL_COLUMNS: dict[str, dict[str, str]] = {
    "mismatches": {"evidence": "VARCHAR"},
    "contamination": {"evidence": "VARCHAR", "score": "DOUBLE"},
    "completions": {"model": "VARCHAR"},
    "prompts": {"conversation": "STRUCT(role VARCHAR, content VARCHAR)[]"},
}
# Where a critique or a prompt text may be published, in order of preference: (table, text column).
CRITIQUE_HOMES = (("mismatches", "critique"), ("completions", "critique"), ("responses", "critique"))
# Views several queries start from (sql/report/<name>.sql), made when the version has the tables they read.
SHARED_VIEWS = ("judge_ratings",)
PROMPT_HOMES = (("prompts", "prompt"), ("preferences", "prompt"))


@dataclass(frozen=True)
class Result:
    """A query's rows, or why it could not run (`missing` names the tables the version does not have)."""

    name: str
    frame: pl.DataFrame | None
    missing: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.frame is not None


@dataclass
class ReportDB:
    version: Version
    other: Version | None = None
    con: duckdb.DuckDBPyConnection = field(default_factory=duckdb.connect)
    available: set[str] = field(default_factory=set)
    has_critiques: bool = False
    has_prompts: bool = False

    @classmethod
    def open(cls, version: Version, other: Version | None = None) -> ReportDB:
        db = cls(version, other)
        db._mount(version, "")
        if other is not None:
            db._mount(other, OTHER)
            db.con.execute(f"CREATE VIEW common_chosen AS {sqlfile.strip_sql(read_sql('common_chosen'))}")
            db.available.add("common_chosen")
        db.has_critiques = db._gather("critiques", CRITIQUE_HOMES, "critique", ("record_id", "completion_index"))
        db.has_prompts = db._gather("prompt_texts", PROMPT_HOMES, "prompt", ("record_id",))
        for view in SHARED_VIEWS:
            text = read_sql(view)
            if all(db.has(t) for t in sqlfile.read_tables(text)):
                db.con.execute(f"CREATE VIEW {view} AS {sqlfile.strip_sql(text)}")
                db.available.add(view)
        return db

    def close(self) -> None:
        self.con.close()

    def has(self, table: str) -> bool:
        return table in self.available

    def columns(self, table: str) -> list[str]:
        return [row[0] for row in self.con.sql(f'DESCRIBE "{table}"').fetchall()]

    def run(self, name: str, **params: Any) -> Result:
        """Run sql/report/<name>.sql with `params` bound as $names; skip it when a table it reads is missing."""
        text = read_sql(name)
        missing = tuple(sorted(t for t in sqlfile.read_tables(text) if t not in self.available))
        if missing:
            return Result(name, None, missing)
        wanted = sqlfile.used_params(text)
        unknown = [p for p in wanted if p not in params]
        if unknown:
            raise UsageError(f"report query {name}.sql needs params {', '.join(unknown)}")
        bound = {p: params[p] for p in wanted}
        try:
            frame = self.con.sql(sqlfile.strip_sql(text), params=bound or None).pl()
        except duckdb.Error as exc:
            raise DataError(f"report query {name}.sql failed: {first_line(exc)}") from None
        return Result(name, frame)

    def _mount(self, version: Version, prefix: str) -> None:
        for table in version.tables:
            source = f"read_parquet({literal(version.glob(table))})"
            present = {r[0] for r in self.con.sql(f"DESCRIBE SELECT * FROM {source}").fetchall()}
            pads = "".join(f", NULL::{kind} AS {col}" for col, kind in OPTIONAL_COLUMNS.get(table, {}).items()
                           if col not in present)
            self.con.execute(f'CREATE VIEW "{prefix}{table}" AS SELECT *{pads} FROM {source}')
            self.available.add(prefix + table)

    def _gather(self, view: str, homes: tuple[tuple[str, str], ...], text: str, keys: tuple[str, ...]) -> bool:
        """Create `view` (keys..., text) from the first table that publishes the text column; empty if none."""
        for table, column in homes:
            if self.has(table) and {column, *keys} <= set(self.columns(table)):
                cols = ", ".join(keys)
                self.con.execute(f'CREATE VIEW {view} AS SELECT DISTINCT ON ({cols}) {cols}, "{column}" AS {text} '
                                 f'FROM "{table}" WHERE "{column}" IS NOT NULL')
                self.available.add(view)
                return True
        typed = ", ".join(f"NULL::{'INTEGER' if k == 'completion_index' else 'BIGINT'} AS {k}" for k in keys)
        self.con.execute(f"CREATE VIEW {view} AS SELECT {typed}, NULL::VARCHAR AS {text} WHERE false")
        self.available.add(view)
        return False


def read_sql(name: str) -> str:
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise DataError(f"report query {path} is missing (sql/report/ ships with the notus repository)")
    return path.read_text()
