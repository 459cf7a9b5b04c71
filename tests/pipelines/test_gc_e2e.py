"""Issue 16's done-when, on the real pipelines and a small generated sample: three seeds of notus and two of
zephyr (which share the ingest), `notus gc --keep 1`, and then everything still works and nothing kept is
rebuilt. Every command runs as a user would run it, in its own process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from notus.core import inventory
from notus.core.version import Version

REPO = Path(__file__).resolve().parents[2]
NOTUS = [sys.executable, "-m", "notus.cli.main"]


def notus(*args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*NOTUS, *args], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.mark.slow
def test_gc_keep_1_after_several_seeds_leaves_the_latest_versions_working(tmp_path: Path) -> None:
    notus("sample", "--prompts", "200", "--seed", "1", "--out", str(tmp_path / "sample"))
    build_dir = tmp_path / "data" / "build"

    def run(pipeline: str, *sets: str) -> subprocess.CompletedProcess[str]:
        return notus("run", str(REPO / "pipelines" / f"{pipeline}.yaml"), "--input",
                     str(tmp_path / "sample" / "ultrafeedback"), "--build-dir", str(build_dir),
                     *(a for s in sets for a in ("--set", s)))

    latest = {"notus": run("notus").stdout.strip(), "zephyr": run("zephyr").stdout.strip()}  # as `make data`
    for seed in ("seed=1", "seed=2"):  # then trying other seeds
        run("notus", seed)
    run("zephyr", "seed=1")
    for pipeline in latest:  # and back to the defaults: latest again, though no longer the newest
        assert run(pipeline).stdout.strip() == latest[pipeline]

    gc = notus("gc", "--keep", "1", "--build-dir", str(build_dir))
    summary = gc.stdout.splitlines()[-1]
    assert summary.startswith("freed ") and int(summary.split()[1].replace(",", "")) > 0, gc.stdout
    assert "3 versions" in summary

    listed = json.loads(notus("versions", "--json", "--build-dir", str(build_dir)).stdout)
    assert {(r["pipeline"], r["path"], r["is_latest"]) for r in listed} == {
        (p, str(Path(v).resolve()), True) for p, v in latest.items()}
    kept_steps = set()
    for r in listed:
        version = Version.open(r["path"])
        version.verify()
        kept_steps |= inventory.step_keys(version.manifest)
    catalog = str(tmp_path / "data" / "notus.duckdb")
    counts = notus("query", "select (select count(*) from versions) as v, (select count(*) from notus.preferences) "
                   "as n", "--format", "csv", "--catalog", catalog).stdout.splitlines()
    assert counts[0] == "v,n" and counts[1].split(",")[0] == "2" and int(counts[1].split(",")[1]) > 0

    for pipeline in ("notus", "zephyr"):  # what `make data` does next: everything reused
        again = run(pipeline)
        assert again.stdout.strip() == latest[pipeline] and "is up to date: reused all" in again.stderr
    rebuilt = Version.open(run("notus", "seed=1").stdout.strip())  # a removed version: only what gc removed
    for step in rebuilt.manifest["steps"]:
        assert step["cached"] == (f"{step['name']}-{step['fingerprint'][:20]}" in kept_steps), step["name"]
    assert rebuilt.manifest["steps"][0]["cached"]  # the ingest, shared by the kept versions
