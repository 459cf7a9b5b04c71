"""Fingerprints: prose never makes a new version, a token does, and the core's own fingerprint version
is bumped when — and this test says when — the engine starts computing different rows."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

from notus.core import fingerprint
from notus.core.runner import run

# CORE_FINGERPRINT_VERSION -> digest of the rows the tiny pipeline (tests/core/conftest.py) publishes.
ROWS_BY_CORE_VERSION = {
    2: "88d4987739482198ae06e447a35b9a8b9d571c578b01b719361cfa9b93b1f3ac",
}


def rows_digest(version_dir: Path) -> str:
    tables = {}
    for path in sorted(version_dir.glob("*.parquet")):
        frame = pl.read_parquet(path)
        tables[path.stem] = {"schema": {k: str(v) for k, v in frame.schema.items()}, "rows": frame.to_dicts()}
    return hashlib.sha256(json.dumps(tables, sort_keys=True, default=str).encode()).hexdigest()


def test_core_results_match_the_ones_recorded_for_its_fingerprint_version(project: Path) -> None:
    """If this fails, notus.core now computes different rows for an unchanged pipeline. Then cached steps
    and version ids made by the old core would be reused although they no longer match what the core
    computes: bump CORE_FINGERPRINT_VERSION in src/notus/core/fingerprint.py (and say why in its History),
    then record the new digest here under the new number. If the rows did not change but you bumped the
    constant anyway, record the same digest under the new number."""
    version = fingerprint.CORE_FINGERPRINT_VERSION
    result = run(project / "pipelines" / "tiny.yaml", build_dir=project / "b")
    digest = rows_digest(result.version_dir)
    assert version in ROWS_BY_CORE_VERSION, f"record ROWS_BY_CORE_VERSION[{version}] = {digest!r}"
    assert digest == ROWS_BY_CORE_VERSION[version], (
        f"rows changed under CORE_FINGERPRINT_VERSION {version}: bump it and record {digest!r}"
    )


def test_editing_sql_comments_and_layout_keeps_the_version_and_the_cache(project: Path) -> None:
    build = project / "b"
    first = run(project / "pipelines" / "tiny.yaml", build_dir=build)
    sql = project / "sql" / "filtered.sql"
    sql.write_text(
        "-- a new header: what this step keeps, said better\n"
        "/* and a block comment */\n"
        "SELECT a,\n       a * 2 AS b,   $label AS label   -- the label param\n"
        "FROM raw\nWHERE a > $threshold\nORDER BY a;\n"
    )
    second = run(project / "pipelines" / "tiny.yaml", build_dir=build)
    assert second.version_id == first.version_id and second.reused

    sql.write_text(sql.read_text().replace("a * 2", "a * 3"))
    third = run(project / "pipelines" / "tiny.yaml", build_dir=build)
    assert third.version_id != first.version_id
    cached = {s["name"]: s["cached"] for s in third.manifest["steps"]}
    assert cached == {"raw": True, "filtered": False, "enriched": False}


def test_a_string_literal_is_not_prose(project: Path) -> None:
    build = project / "b"
    first = run(project / "pipelines" / "tiny.yaml", build_dir=build)
    sql = project / "sql" / "raw.sql"
    sql.write_text(sql.read_text().replace("order by a", "order by a -- 'not' code"))
    assert run(project / "pipelines" / "tiny.yaml", build_dir=build).version_id == first.version_id
    (project / "sql" / "filtered.sql").write_text(
        (project / "sql" / "filtered.sql").read_text().replace("$label as label", "'--' || $label as label"))
    assert run(project / "pipelines" / "tiny.yaml", build_dir=build).version_id != first.version_id


def test_the_core_fingerprint_version_enters_every_fingerprint(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = project / "b"
    before = run(project / "pipelines" / "tiny.yaml", build_dir=build)
    monkeypatch.setattr(fingerprint, "CORE_FINGERPRINT_VERSION", fingerprint.CORE_FINGERPRINT_VERSION + 1)
    after = run(project / "pipelines" / "tiny.yaml", build_dir=build)
    assert after.version_id != before.version_id
    assert not any(s["cached"] for s in after.manifest["steps"])
    assert {s["fingerprint"] for s in after.manifest["steps"]}.isdisjoint(
        s["fingerprint"] for s in before.manifest["steps"])


def test_a_new_card_makes_a_new_version_without_recomputing_a_step(project: Path) -> None:
    """The card (license, citation) is what publish writes from the manifest, so it must be the version's."""
    spec = project / "pipelines" / "tiny.yaml"
    first = run(spec, build_dir=project / "b")
    spec.write_text(spec.read_text() + "card: {license: cc-by-4.0, citation: '@misc{x}'}\n")
    second = run(spec, build_dir=project / "b")
    assert second.version_id != first.version_id
    assert all(s["cached"] for s in second.manifest["steps"])
    assert second.manifest["spec"]["card"]["license"] == "cc-by-4.0"
