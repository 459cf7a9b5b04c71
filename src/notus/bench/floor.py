"""The floor: DuckDB alone reads the whole raw input and writes it back as one zstd Parquet file.

No pipeline can do less I/O and parsing than this, so notus is judged as a ratio to it.
`python -m notus.bench.floor INPUT_DIR OUT.parquet`
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb


def copy_raw(input_dir: Path, out: Path) -> None:
    files = sorted(str(p) for p in input_dir.rglob("*") if p.suffix in (".jsonl", ".json", ".parquet"))
    reader = "read_parquet" if files[0].endswith(".parquet") else "read_json"
    options = "" if reader == "read_parquet" else ", format = 'newline_delimited', maximum_object_size = 268435456"
    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{out.parent}/floor-tmp'")
    con.execute(
        f"COPY (SELECT * FROM {reader}($files{options})) TO '{out}' (FORMAT parquet, COMPRESSION zstd)",
        {"files": files},
    )


if __name__ == "__main__":
    copy_raw(Path(sys.argv[1]), Path(sys.argv[2]))
