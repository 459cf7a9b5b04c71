"""Plugins: an installed third-party package's steps and source scheme work through a pipeline exactly as
notus' own do; a duplicate name and a plugin that fails to import are one-line errors naming the plugin."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from notus.core import plugins
from notus.core.errors import PluginError, SpecError
from notus.core.runner import run
from notus.core.spec import load_spec
from notus.core.step import PolarsStep, SqlStep, get_step, polars_step

PIPELINE = """\
name: lengths
params:
  max_length_ratio: {type: number, default: 2.0, gt: 0}
sources:
  input: {default: "example-pairs://30"}
steps:
  - {name: pairs, sql: sql/pairs.sql}
  - {name: pair_lengths, polars: example.pair_lengths}
  - {name: length_balanced, sql: example.length_balanced}
publish: [length_balanced, pair_lengths]
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "sql").mkdir()
    (tmp_path / "pipelines" / "lengths.yaml").write_text(PIPELINE)
    (tmp_path / "sql" / "pairs.sql").write_text("select * from read_parquet(getvariable('source_input'))\n")
    monkeypatch.setenv("NOTUS_EXAMPLE_CACHE", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def fake_dists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on sys.path where tests 'install' distributions by writing their metadata."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    plugins.clear_cache()
    yield site
    plugins.clear_cache()


def install_fake(
    site: Path, dist: str, group: str, entries: dict[str, str], modules: dict[str, str] | None = None
) -> None:
    info = site / f"{dist}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    lines = "".join(f"{name} = {value}\n" for name, value in entries.items())
    (info / "entry_points.txt").write_text(f"[{group}]\n{lines}")
    for module, source in (modules or {}).items():
        (site / f"{module}.py").write_text(source)
    plugins.clear_cache()


def test_the_example_package_is_found_through_its_entry_points() -> None:
    steps = plugins.installed(plugins.STEPS_GROUP)
    assert steps["example.pair_lengths"].distribution.startswith("notus-plugin-example ")
    assert isinstance(get_step("example.pair_lengths"), PolarsStep)
    sql = get_step("example.length_balanced")
    assert isinstance(sql, SqlStep) and "$max_length_ratio" in sql.text()
    # notus' own steps and schemes come in exactly the same way
    assert steps["ultrafeedback.ingest"].distribution.startswith("notus ")
    assert "hf" in plugins.installed(plugins.SOURCES_GROUP)


def test_a_pipeline_runs_the_plugin_polars_step_sql_step_and_source_scheme(project: Path) -> None:
    result = run(project / "pipelines" / "lengths.yaml", build_dir=project / "data" / "build")
    lengths = pl.read_parquet(result.version_dir / "pair_lengths.parquet")
    kept = pl.read_parquet(result.version_dir / "length_balanced.parquet")
    assert lengths.height == 30
    expected = lengths.filter(pl.col("length_ratio") <= 2.0)["pair_id"].to_list()
    assert kept["pair_id"].to_list() == expected and 0 < len(expected) < 30
    assert (kept["chosen_chars"] == kept["chosen"].str.len_chars()).all()
    assert result.manifest["sources"]["input"]["uri"] == "example-pairs://30"

    again = run(project / "pipelines" / "lengths.yaml", build_dir=project / "data" / "build",
                sets={"max_length_ratio": "1000"})
    assert pl.read_parquet(again.version_dir / "length_balanced.parquet").height == 30
    steps = {s["name"]: s["cached"] for s in again.manifest["steps"]}
    assert steps == {"pairs": True, "pair_lengths": True, "length_balanced": False}


def test_a_param_rule_of_the_plugin_pipeline_is_checked_before_the_run(project: Path) -> None:
    from notus.core.errors import UsageError

    with pytest.raises(UsageError, match=r"--set max_length_ratio: expected a number > 0, got -1"):
        run(project / "pipelines" / "lengths.yaml", build_dir=project / "b", sets={"max_length_ratio": "-1"})
    assert not (project / "b" / ".steps").exists()


def test_two_distributions_claiming_one_step_name_is_an_error_naming_both(fake_dists: Path) -> None:
    install_fake(fake_dists, "rival", "notus.steps", {"example.pair_lengths": "rival_steps:pair_lengths"})
    with pytest.raises(PluginError) as excinfo:
        plugins.installed(plugins.STEPS_GROUP)
    message = str(excinfo.value)
    assert "example.pair_lengths" in message and "rival 1.0" in message and "notus-plugin-example" in message


def test_a_plugin_that_fails_to_import_is_named(fake_dists: Path, project: Path) -> None:
    install_fake(fake_dists, "broken-plugin", "notus.steps", {"broken.step": "broken_steps:step"},
                 {"broken_steps": "import not_a_module_anywhere\n"})
    spec = project / "pipelines" / "broken.yaml"
    spec.write_text(PIPELINE.replace("example.pair_lengths", "broken.step").replace("name: lengths", "name: b"))
    with pytest.raises(PluginError) as excinfo:
        load_spec(spec)
    message = str(excinfo.value)
    assert "'broken.step'" in message and "broken-plugin 1.0" in message and "not_a_module_anywhere" in message
    # an unrelated pipeline does not import the broken plugin, so it still loads
    assert load_spec(project / "pipelines" / "lengths.yaml").name == "lengths"


def test_a_broken_plugin_exits_2_with_one_line(fake_dists: Path, project: Path) -> None:
    install_fake(fake_dists, "broken-plugin", "notus.steps", {"broken.step": "broken_steps:step"},
                 {"broken_steps": "raise RuntimeError('boom at import')\n"})
    (project / "pipelines" / "broken.yaml").write_text(PIPELINE.replace("example.pair_lengths", "broken.step"))
    env = {"PYTHONPATH": str(fake_dists), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-m", "notus.cli.main", "run", "pipelines/broken.yaml"],
                          cwd=project, capture_output=True, text=True, env=env)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "Traceback" not in proc.stderr
    assert "broken-plugin 1.0" in proc.stderr and "boom at import" in proc.stderr


def test_an_entry_point_that_names_its_step_differently_is_refused(fake_dists: Path) -> None:
    install_fake(fake_dists, "misnamed", "notus.steps", {"misnamed.step": "misnamed_steps:step"}, {
        "misnamed_steps": "from notus.core.step import polars_step\n"
                          "@polars_step('something.else', writes={'t': ['a']})\n"
                          "def step(ctx):\n    raise AssertionError\n",
    })
    with pytest.raises(PluginError, match=r"declares its step as 'something\.else'"):
        get_step("misnamed.step")


def test_an_unknown_scheme_lists_the_installed_ones(project: Path) -> None:
    from notus.core.errors import UsageError

    with pytest.raises(UsageError, match=r"no plugin reads 's3://' URIs \(installed: .*example-pairs://.*hf://"):
        run(project / "pipelines" / "lengths.yaml", build_dir=project / "b", sources={"input": "s3://bucket/x"})


def test_registering_one_name_twice_in_process_is_an_error() -> None:
    def first(ctx: object) -> pl.LazyFrame:
        raise AssertionError

    def second(ctx: object) -> pl.LazyFrame:
        raise AssertionError

    polars_step("tests.twice", writes={"t": ["a"]})(first)
    polars_step("tests.twice", writes={"t": ["a"]})(first)  # the same function again (a re-import) is fine
    with pytest.raises(PluginError, match=r"'tests\.twice' is registered twice"):
        polars_step("tests.twice", writes={"t": ["a"]})(second)


def test_a_module_function_reference_is_a_users_own_step(project: Path) -> None:
    (project / "my_steps.py").write_text(
        "import polars as pl\nfrom notus.core.step import polars_step\n"
        "@polars_step('mine.double', reads={'pairs': ['pair_id']}, writes={'doubled': ['pair_id', 'twice']})\n"
        "def double(ctx, pairs):\n    return pairs.select('pair_id', twice=pl.col('pair_id') * 2)\n"
    )
    spec = project / "pipelines" / "mine.yaml"
    spec.write_text(PIPELINE.replace("example.pair_lengths", "my_steps:double").replace(
        "  - {name: length_balanced, sql: example.length_balanced}\n", "").replace(
        "publish: [length_balanced, pair_lengths]", "publish: [doubled]").replace(
        "{name: pair_lengths,", "{name: doubled,"))
    sys.path.insert(0, str(project))
    try:
        result = run(spec, build_dir=project / "b")
    finally:
        sys.path.remove(str(project))
    assert pl.read_parquet(result.version_dir / "doubled.parquet")["twice"].to_list()[:3] == [0, 2, 4]


def test_a_sql_name_that_is_a_polars_step_says_which_key_to_use(project: Path) -> None:
    spec = project / "pipelines" / "wrong.yaml"
    spec.write_text(PIPELINE.replace("sql: example.length_balanced", "sql: example.pair_lengths"))
    with pytest.raises(SpecError, match=r"is a Polars step: write `polars: example\.pair_lengths`"):
        load_spec(spec)
