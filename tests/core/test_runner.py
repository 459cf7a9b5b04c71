"""End-to-end behaviour of `run`: order, binding, contracts, fingerprints, reuse, atomicity, catalog."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from notus.core import execute
from notus.core.errors import ContractError, DataError, UsageError
from notus.core.progress import Progress
from notus.core.runner import run
from notus.core.version import Version


def build(project: Path, **kwargs: object):
    return run(project / "pipelines" / "tiny.yaml", build_dir=project / "build",
               progress=Progress(quiet=True), **kwargs)


def test_steps_run_in_dependency_order_not_spec_order(project: Path) -> None:
    result = build(project)
    assert [s["name"] for s in result.manifest["steps"]] == ["raw", "filtered", "enriched"]
    enriched = Version.open(result.version_dir).scan("enriched").collect()
    assert enriched["a"].to_list() == [3, 4, 5, 6, 7, 8, 9]
    assert enriched["c"].to_list() == [2 * a + 100 for a in range(3, 10)]


def test_params_are_bound_as_values_not_sql_text(project: Path) -> None:
    result = build(project, sets={"label": "'); drop table raw; --", "threshold": "7"})
    vdir = result.version_dir
    con = duckdb.connect()
    raw = con.sql(f"select count(*) from '{vdir}/raw.parquet'").fetchall()[0][0]
    assert raw == 10
    enriched = Version.open(vdir).scan("enriched").collect()
    assert enriched["a"].to_list() == [8, 9]
    assert enriched["label"].unique().to_list() == ["'); drop table raw; --"]


def test_unknown_and_mistyped_params_are_usage_errors(project: Path) -> None:
    with pytest.raises(UsageError, match="unknown param 'nope'"):
        build(project, sets={"nope": "1"})
    with pytest.raises(UsageError, match="expected an integer"):
        build(project, sets={"threshold": "two"})


def test_manifest_records_everything_a_consumer_needs(project: Path) -> None:
    result = build(project)
    m = json.loads((result.version_dir / "manifest.json").read_text())
    assert m["version_id"] == result.version_id == result.version_dir.name
    assert set(m["tables"]) == {"enriched", "raw"}
    assert m["tables"]["raw"]["rows"] == 10
    assert m["tables"]["enriched"]["schema"]["c"] == "int64"
    assert m["params"] == {"threshold": 2, "offset": 100, "label": "x'); drop table raw; --"}
    assert m["sources"]["input"]["files"][0]["sha256"]
    assert all(len(s["fingerprint"]) == 64 and s["seconds"] >= 0 for s in m["steps"])
    assert m["audits"]["audit_positive"] == {"ok": True, "violations": 0}
    assert {"notus", "polars", "duckdb", "pyarrow", "python"} <= set(m["versions"])
    Version.open(result.version_dir).verify()


def test_same_inputs_reuse_the_version_and_every_step(project: Path) -> None:
    first = build(project)
    second = build(project)
    assert second.reused and second.version_id == first.version_id
    assert (first.version_dir / "raw.parquet").stat().st_mtime_ns == (
        second.version_dir / "raw.parquet").stat().st_mtime_ns


def test_fingerprints_change_when_and_only_when_sql_params_or_input_change(project: Path) -> None:
    base = build(project)
    steps = {s["name"]: s["fingerprint"] for s in base.manifest["steps"]}

    # prose is not content
    spec = project / "pipelines" / "tiny.yaml"
    spec.write_text(spec.read_text().replace("engine test pipeline", "reworded"))
    assert build(project).version_id == base.version_id

    changed_param = build(project, sets={"offset": 1})
    fp = {s["name"]: s["fingerprint"] for s in changed_param.manifest["steps"]}
    assert changed_param.version_id != base.version_id
    assert fp["raw"] == steps["raw"] and fp["filtered"] == steps["filtered"]
    assert fp["enriched"] != steps["enriched"]
    cached = {s["name"]: s["cached"] for s in changed_param.manifest["steps"]}
    assert cached == {"raw": True, "filtered": True, "enriched": False}

    sql = project / "sql" / "filtered.sql"
    sql.write_text(sql.read_text().replace("a * 2", "a * 3"))
    changed_sql = build(project)
    fp = {s["name"]: s["fingerprint"] for s in changed_sql.manifest["steps"]}
    assert changed_sql.version_id not in (base.version_id, changed_param.version_id)
    assert fp["raw"] == steps["raw"] and fp["filtered"] != steps["filtered"]

    pl.DataFrame({"a": list(range(12))}).write_parquet(project / "input.parquet")
    changed_input = build(project)
    fp_input = {s["name"]: s["fingerprint"] for s in changed_input.manifest["steps"]}
    assert fp_input["raw"] != steps["raw"]
    assert changed_input.version_id != changed_sql.version_id


def test_same_content_elsewhere_gives_the_same_version_id(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    first = build(project)
    other = tmp_path_factory.mktemp("copy")
    (other / "moved.parquet").write_bytes((project / "input.parquet").read_bytes())
    second = run(project / "pipelines" / "tiny.yaml", build_dir=other / "build",
                 sources={"input": str(other / "moved.parquet")}, progress=Progress(quiet=True))
    assert second.version_id == first.version_id
    assert not second.reused


def test_column_contract_errors_name_the_step_and_column(project: Path) -> None:
    spec = project / "pipelines" / "tiny.yaml"
    spec.write_text(spec.read_text().replace("polars: tests.enrich", "polars: tests.broken_output"))
    with pytest.raises(ContractError, match=r"step 'enriched' \(tests.broken_output\) promised column 'zzz'"):
        build(project)
    spec.write_text(spec.read_text().replace("polars: tests.broken_output", "polars: tests.needs_missing"))
    with pytest.raises(ContractError, match=r"needs column 'nope' in table 'filtered'"):
        build(project)


def test_failed_audit_publishes_nothing(project: Path) -> None:
    good = build(project)
    (project / "sql" / "audit_positive.sql").write_text("select * from raw where a >= 0\n")
    with pytest.raises(DataError, match=r"audit 'audit_positive'.*10 violating rows"):
        build(project, sets={"offset": 5})
    assert (project / "build" / "tiny" / "latest").resolve() == good.version_dir


def test_failure_mid_write_keeps_previous_latest_loadable(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = build(project)

    def explode(*args: object, **kwargs: object) -> None:
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(execute, "run_polars_step", explode)
    with pytest.raises(OSError):
        build(project, sets={"offset": 7})
    latest = Version.open(project / "build" / "tiny" / "latest")
    assert latest.version_id == good.version_id
    latest.verify()
    leftovers = [p.name for p in (project / "build" / ".steps").iterdir() if p.name.startswith(".tmp-")]
    assert leftovers == []
    monkeypatch.undo()
    assert build(project, sets={"offset": 7}).version_id != good.version_id


def test_verify_refuses_tampered_files(project: Path) -> None:
    vdir = build(project).version_dir
    target = vdir / "raw.parquet"
    data = pl.read_parquet(target)
    target.unlink()  # hard link: replace the file rather than writing through to the cache
    data.head(3).write_parquet(target)
    with pytest.raises(DataError, match="does not match its manifest hash"):
        Version.open(vdir).verify()


def test_catalog_views_answer(project: Path) -> None:
    build(project)
    build(project, sets={"threshold": 5})
    con = duckdb.connect(str(project / "build" / ".." / "notus.duckdb"), read_only=True)
    assert con.sql("select count(*) from tiny.enriched").fetchall() == [(4,)]
    assert con.sql("select count(*) from tiny.raw").fetchall() == [(10,)]
    rows = con.sql("select version_id, is_latest from versions order by is_latest").fetchall()
    assert len(rows) == 2 and [r[1] for r in rows] == [False, True]
    assert con.sql("select count(*) from tiny.versions").fetchall() == [(2,)]


def test_missing_input_is_a_usage_error(project: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        build(project, sources={"input": str(project / "nope.jsonl")})
    with pytest.raises(UsageError, match="has no source 'benchmarks'"):
        build(project, sources={"benchmarks": str(project)})
