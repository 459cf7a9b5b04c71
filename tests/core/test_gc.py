"""gc's plan and apply over a real store: two pipelines sharing step outputs, several versions each."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from notus.core import gate, gc, inventory, pins
from notus.core.errors import DataError, UsageError
from notus.core.progress import Progress
from notus.core.runner import run
from notus.core.store import Store
from notus.core.version import Version

# tiny2 differs from tiny only in the offset its Polars step adds: `raw` and `filtered` are shared
TINY2 = "name: tiny2\nextends: tiny.yaml\nparams:\n  offset: {type: int, default: 7}\n"
NOW = dt.datetime.now(dt.UTC)


def build(project: Path, pipeline: str, threshold: int) -> Path:
    result = run(project / "pipelines" / f"{pipeline}.yaml", build_dir=project / "data" / "build",
                 sets={"threshold": threshold}, progress=Progress(quiet=True))
    return result.version_dir


@pytest.fixture
def store(project: Path) -> dict[tuple[str, int], Path]:
    """tiny at thresholds 1..4 (latest 4) and tiny2 at 1 and 5 (latest 5)."""
    (project / "pipelines" / "tiny2.yaml").write_text(TINY2)
    built = {}
    for pipeline, threshold in (("tiny", 1), ("tiny", 2), ("tiny2", 1), ("tiny", 3), ("tiny", 4), ("tiny2", 5)):
        built[pipeline, threshold] = build(project, pipeline, threshold)
    return built


def collect(project: Path, policy: gc.Policy, now: dt.datetime = NOW) -> gc.GcPlan:
    st = Store(project / "data" / "build")
    with gc.locked(st):
        plan = gc.plan(st, policy, now)
        gc.apply(st, plan, project / "data" / "notus.duckdb")
    return plan


def version_dirs(project: Path) -> set[str]:
    build_dir = project / "data" / "build"
    return {f"{p.parent.name}/{p.name}" for p in build_dir.glob("*/*") if p.is_dir() and not p.is_symlink()
            and not p.name.startswith(".") and not p.parent.name.startswith(".")}


def step_dirs(project: Path) -> set[str]:
    return {p.name for p in (project / "data" / "build" / ".steps").iterdir()}


def du(folder: Path) -> int:
    """Bytes of data under a folder, each inode once (versions hard-link their tables to step outputs); lock
    files hold the pid of their last holder, gc's included, so they are left out."""
    seen = {}
    for f in folder.rglob("*"):
        if f.is_file() and not f.is_symlink() and not f.name.endswith(".lock"):
            st = f.stat()
            seen[st.st_dev, st.st_ino] = st.st_size
    return sum(seen.values())


def catalog_versions(project: Path) -> set[str]:
    con = duckdb.connect(str(project / "data" / "notus.duckdb"), read_only=True)
    try:
        return {f"{p}/{v}" for p, v in con.sql("select pipeline, version_id from versions").fetchall()}
    finally:
        con.close()


def name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def test_keep_one_leaves_the_latest_versions_whole_and_only_the_steps_they_need(
    project: Path, store: dict[tuple[str, int], Path]
) -> None:
    before = du(project / "data" / "build")
    plan = collect(project, gc.Policy(keep=1))
    kept = {store["tiny", 4], store["tiny2", 5]}
    assert version_dirs(project) == {name(p) for p in kept}
    assert catalog_versions(project) == {name(p) for p in kept}
    needed = set().union(*(inventory.step_keys(Version.open(p).manifest) for p in kept))
    assert step_dirs(project) == needed
    assert len(needed) == 5  # raw (shared), filtered at 4 and 5, enriched of each
    for p in kept:
        Version.open(p).verify()
    assert plan.freed == before - du(project / "data" / "build") > 0
    assert [p for p in (project / "data" / "build").rglob(".tmp-*")] == []


def test_steps_another_pipeline_keeps_survive_a_gc_of_one_pipeline(
    project: Path, store: dict[tuple[str, int], Path]
) -> None:
    collect(project, gc.Policy(pipelines=("tiny",), keep=1))
    assert version_dirs(project) == {name(store["tiny", 4]), name(store["tiny2", 1]), name(store["tiny2", 5])}
    # tiny at 1 is gone, but tiny2 at 1 was built on the same `filtered` output and still has it
    shared = inventory.step_keys(Version.open(store["tiny2", 1]).manifest)
    assert shared <= step_dirs(project)
    for p in (store["tiny2", 1], store["tiny2", 5], store["tiny", 4]):
        Version.open(p).verify()


def test_a_removed_version_frees_only_what_no_kept_path_links_to(
    project: Path, store: dict[tuple[str, int], Path]
) -> None:
    st = Store(project / "data" / "build")
    with gc.locked(st):
        plan = gc.plan(st, gc.Policy(pipelines=("tiny",), keep=3), NOW)
    [removed] = plan.of("version")
    assert removed.path == store["tiny", 1]
    # its tables are hard links of step outputs: `raw` is kept (others use it), `enriched` at 1 is removed
    # and counted with its step folder, so the version folder itself frees just its manifest
    assert removed.freed == (store["tiny", 1] / "manifest.json").stat().st_size


def test_latest_pins_and_keep_version_are_kept_whatever_their_age(
    project: Path, store: dict[tuple[str, int], Path]
) -> None:
    build(project, "tiny", 2)  # back to an old version: latest, though not the newest
    assert pins.add(store["tiny", 1].parent, store["tiny", 1].name, note="trained model-a")
    assert not pins.add(store["tiny", 1].parent, store["tiny", 1].name)  # idempotent
    plan = collect(project, gc.Policy(keep=2, keep_versions=frozenset({store["tiny", 3].name})))
    reasons = {name(v.path): why for v, why in plan.kept}
    assert reasons == {name(store["tiny", 2]): "latest", name(store["tiny", 1]): "pinned",
                       name(store["tiny", 3]): "--keep-version", name(store["tiny", 4]): "2 most recent",
                       name(store["tiny2", 5]): "latest", name(store["tiny2", 1]): "2 most recent"}
    assert version_dirs(project) == set(reasons)
    for p in store.values():
        if name(p) in reasons:
            Version.open(p).verify()
    assert pins.remove(store["tiny", 1].parent, store["tiny", 1].name)
    # latest counts as the most recent version, so --keep 1 leaves one version per pipeline
    collect(project, gc.Policy(keep=1))
    assert version_dirs(project) == {name(store["tiny", 2]), name(store["tiny2", 5])}


def test_a_version_used_outside_the_store_is_pinned_only_where_it_lives_in_one(project: Path, tmp_path: Path) -> None:
    built = build(project, "tiny", 1)
    assert pins.keep_used(built, "tiny", "published to org/name\n  (twice)")
    assert pins.read(built.parent) == {built.name: "published to org/name (twice)"}
    assert not pins.keep_used(built, "tiny", "trained on by out/")  # already pinned: the first note stays
    assert not pins.keep_used(built, "tiny2", "x")  # a folder that is not under its pipeline's name
    copy = shutil.copytree(built, tmp_path / "elsewhere" / built.name)  # a copy outside any store
    assert not pins.keep_used(copy, "tiny", "x")
    assert not (copy.parent / pins.PINS).exists()


def test_older_than_spares_young_versions(project: Path, store: dict[tuple[str, int], Path]) -> None:
    st = Store(project / "data" / "build")
    young = gc.plan(st, gc.Policy(keep=0, older_than_days=1), NOW)
    assert young.of("version") == []
    later = gc.plan(st, gc.Policy(keep=0, older_than_days=1), NOW + dt.timedelta(days=2))
    assert {name(r.path) for r in later.of("version")} == {
        name(store["tiny", 1]), name(store["tiny", 2]), name(store["tiny", 3]), name(store["tiny2", 1])}


def test_a_build_after_gc_reuses_every_kept_step_and_rebuilds_only_removed_ones(
    project: Path, store: dict[tuple[str, int], Path]
) -> None:
    plan = collect(project, gc.Policy(keep=1))
    again = run(project / "pipelines" / "tiny.yaml", build_dir=project / "data" / "build",
                sets={"threshold": 4}, progress=Progress(quiet=True))
    assert again.reused and again.version_dir == store["tiny", 4]
    for pipeline, threshold in (("tiny", 2), ("tiny2", 1)):
        manifest = Version.open(build(project, pipeline, threshold)).manifest
        for step in manifest["steps"]:
            key = f"{step['name']}-{step['fingerprint'][:20]}"
            assert step["cached"] == (key in plan.kept_steps), step["name"]
        assert any(s["cached"] for s in manifest["steps"]) and not all(s["cached"] for s in manifest["steps"])


def test_leftovers_of_dead_processes_are_removed_and_a_live_ones_are_not(
    project: Path, store: dict[tuple[str, int], Path]
) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    build_dir = project / "data" / "build"
    leftovers = [build_dir / f".tmp-scratch-{dead.pid}", build_dir / ".steps" / f".tmp-raw-x-{dead.pid}",
                 build_dir / "tiny" / f".tmp-gc-0123abcd-{dead.pid}"]
    for folder in leftovers:
        (folder / "sub").mkdir(parents=True)
        (folder / "sub" / "half.parquet").write_bytes(b"x" * 1000)
    (build_dir / "tiny" / f".tmp-latest-{dead.pid}").symlink_to("gone")
    live = build_dir / ".steps" / f".tmp-raw-y-{os.getpid()}"
    live.mkdir()
    plan = collect(project, gc.Policy(keep=3))
    assert len(plan.of("temporary")) == 4 and sum(r.freed for r in plan.of("temporary")) == 3000
    assert not any(p.exists() or p.is_symlink() for p in leftovers)
    assert live.is_dir()


def test_gc_waits_for_a_running_build_and_a_build_waits_for_gc(
    project: Path, store: dict[tuple[str, int], Path], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NOTUS_LOCK_TIMEOUT", "0.3")
    st = Store(project / "data" / "build")
    with st.lock("tiny2"), pytest.raises(DataError, match="a build still holds the store"), gc.locked(st):
        pass
    assert "gc waits for it to finish" in capsys.readouterr().err
    with gc.locked(st), pytest.raises(DataError, match="`notus gc` still holds the store"):
        build(project, "tiny", 2)
    assert f"`notus gc` (pid {os.getpid()}) is cleaning" in capsys.readouterr().err
    with gate.hold(st.root, exclusive=False), st.lock("tiny"):  # builds share the gate
        pass


def test_bad_requests_are_usage_errors(project: Path, store: dict[tuple[str, int], Path]) -> None:
    st = Store(project / "data" / "build")
    with pytest.raises(UsageError, match="no pipeline 'nope'"):
        gc.plan(st, gc.Policy(pipelines=("nope",)), NOW)
    with pytest.raises(UsageError, match="--keep-version 0000: no such version"):
        gc.plan(st, gc.Policy(keep_versions=frozenset({"0000"})), NOW)
