"""Invalid specs fail before any data is read, naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from notus.core.errors import SpecError
from notus.core.spec import load_spec


def spec_at(project: Path, text: str) -> Path:
    path = project / "pipelines" / "bad.yaml"
    path.write_text(text)
    return path


BASE = """\
name: bad
params:
  threshold: {type: int, default: 2}
  label: {type: str, default: x}
sources:
  input: {default: input.parquet}
steps:
  - {name: raw, sql: sql/raw.sql}
  - {name: filtered, sql: sql/filtered.sql}
publish: [filtered]
"""


def test_valid_spec_orders_steps_and_reads_dependencies(project: Path) -> None:
    spec = load_spec(project / "pipelines" / "tiny.yaml")
    assert [s.name for s in spec.steps] == ["raw", "filtered", "enriched"]
    assert spec.step("filtered").reads == ("raw",)
    assert spec.step("filtered").params == ("label", "threshold")
    assert spec.step("raw").sources == ("input",)


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ("sql/filtered.sql}", "sql/nope.sql}", "steps[1] (filtered).sql", "not found"),
        ("{name: raw, sql: sql/raw.sql}", "{name: raw, polars: no.such.step}", "steps[0] (raw).polars",
         "unknown step"),
        ("publish: [filtered]", "publish: [ghost]", "publish[0]", "unknown table 'ghost'"),
        ("default: 2}", "default: two}", "params.threshold.default", "not of type int"),
        ("{type: int", "{type: complex", "params.threshold.type", "unknown type"),
        ("{name: filtered, sql: sql/filtered.sql}", "{name: filtered, sql: sql/raw.sql, table: raw}",
         "steps[1] (filtered)", "also written by step 'raw'"),
        ("{name: filtered, sql: sql/filtered.sql}", "{name: raw, sql: sql/filtered.sql}", "steps[1] (raw)",
         "duplicate step name"),
        ("name: bad", "name: bad\nmystery: 1", "mystery", "unknown key"),
        ("publish: [filtered]", "publish: []", "publish", "non-empty"),
        ("name: bad", "name: bad\ncard: [mit]", "card", "a mapping of facts about the data"),
    ],
)
def test_invalid_specs_name_file_and_key(project: Path, old: str, new: str, key: str, problem: str) -> None:
    path = spec_at(project, BASE.replace(old, new))
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert info.value.key == key
    assert problem in info.value.problem
    assert str(path) in str(info.value)


def test_unknown_table_and_cycle(project: Path) -> None:
    (project / "sql" / "a.sql").write_text("select * from b_table")
    (project / "sql" / "b.sql").write_text("select * from a_table")
    text = BASE.replace("  - {name: filtered, sql: sql/filtered.sql}\n",
                        "  - {name: a_table, sql: sql/a.sql}\n  - {name: b_table, sql: sql/b.sql}\n")
    with pytest.raises(SpecError, match="cycle between steps: a_table -> b_table -> a_table"):
        load_spec(spec_at(project, text.replace("publish: [filtered]", "publish: [a_table]")))
    (project / "sql" / "c.sql").write_text("select * from missing_table")
    text = BASE.replace("sql/filtered.sql", "sql/c.sql")
    with pytest.raises(SpecError, match="reads unknown table 'missing_table'"):
        load_spec(spec_at(project, text))


def test_sql_param_must_be_declared_and_sql_must_parse(project: Path) -> None:
    (project / "sql" / "p.sql").write_text("select * from raw where a > $undeclared")
    with pytest.raises(SpecError, match=r"uses \$undeclared"):
        load_spec(spec_at(project, BASE.replace("sql/filtered.sql", "sql/p.sql")))
    (project / "sql" / "s.sql").write_text("selec * frm raw")
    with pytest.raises(SpecError, match="syntax error"):
        load_spec(spec_at(project, BASE.replace("sql/filtered.sql", "sql/s.sql")))


def test_extends_overrides_steps_by_name(project: Path) -> None:
    (project / "sql" / "filtered2.sql").write_text("select a from raw where a > 8")
    child = project / "pipelines" / "child.yaml"
    child.write_text("extends: tiny.yaml\nname: child\nsteps:\n  - {name: filtered, sql: sql/filtered2.sql}\n")
    spec = load_spec(child)
    assert spec.name == "child"
    assert spec.step("filtered").ref == "sql/filtered2.sql"
    assert [s.name for s in spec.steps] == ["raw", "filtered", "enriched"]
    assert spec.publish == ("enriched", "raw")


def test_yaml_syntax_error_names_line(project: Path) -> None:
    with pytest.raises(SpecError, match=r"line \d+"):
        load_spec(spec_at(project, "name: [unclosed\nsteps: x\n"))
