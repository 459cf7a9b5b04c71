"""make bench's report: every ratio of issue 15 from the measurements of one run, and its pass/fail."""

from __future__ import annotations

from notus.bench.__main__ import SHAPES, TARGETS, summarise
from notus.bench.measure import Measurement


def _run(notus_default: float) -> dict:  # type: ignore[type-arg]
    m = [Measurement("bare_import", 0.4, 100)]
    for shape, floor in (("default", 6.0), ("short", 3.0)):
        notus = notus_default if shape == "default" else 7.5
        m += [Measurement(f"floor_{shape}", floor, 1), Measurement(f"notus_{shape}", notus, 1),
              Measurement(f"noop_{shape}", 0.1 if shape == "default" else 0.6, 1),
              Measurement(f"baseline_datasets_map_{shape}", 30.0, 1)]
    m += [Measurement("floor_10x", 50.0, 1), Measurement("notus_10x", 110.0, 3500.0)]
    extra = {"fixed_cost_default_s": 0.4, "fixed_cost_short_s": 1.2, "decontamination_s": 1.0,
             "review": {"first_page_s": 0.2, "next_record_s": 0.1, "rss_growth_mb": 3.0, "startup_s": 0.7}}
    return summarise(m, extra, 64_000, 10)


def test_every_target_is_judged_from_one_runs_measurements() -> None:
    report = _run(notus_default=11.0)
    targets = report["targets"]
    assert set(targets) == set(TARGETS)
    assert targets["notus_vs_floor_default"] == {"value": round(11.0 / 6.0, 3), "target": "<= 2", "met": True}
    assert targets["notus_vs_floor_short"]["met"] is False  # 2.5x
    assert targets["noop_vs_bare_import"]["value"] == 1.5  # the slower shape's no-op counts: 0.6 / 0.4
    assert targets["fixed_cost_vs_bare_import_default"] == {"value": 1.0, "target": "<= 1", "met": True}
    assert targets["baseline_vs_notus_short"]["value"] == 4.0
    assert targets["notus_10x_peak_rss_mb"]["met"] is False and targets["notus_10x_vs_1x"]["met"] is True
    assert report["ratios"]["notus_10x_vs_floor"] == 2.2
    assert report["machine"]["load_average"] and set(SHAPES) == {"default", "short"}


def test_a_slower_run_fails_the_floor_target() -> None:
    assert _run(notus_default=13.0)["targets"]["notus_vs_floor_default"]["met"] is False
