"""The report's LLM-judge section: what judges (`notus judge`) said about the completions they were asked
about, against what the data already said about them (the rating mean, the original critique score), and
how often they agree with a person who scored the same completion.

WHY against the rating mean and the critique score: the judge is asked about completions where those two
disagree (the 1 → 10 defect band), so the useful picture is where its rating falls between them: near the
critique's 10, the defect is not confirmed; low, the judge agrees the ratings were right. WHY kappa on two
scales: exact 1–10 agreement is a harsh test for any two raters, so agreement is also given on three bands
(1–3 low, 4–7 middle, 8–10 high), the decision a curator actually makes.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from notus.report import markdown as md
from notus.report import plots
from notus.report.agreement import cohen_kappa
from notus.report.queries import ReportDB
from notus.report.sections import RATING_BIN

FIGURE = "judge_ratings.png"
BANDS = ((1, 3, "low"), (4, 7, "middle"), (8, 10, "high"))


def band(score: float) -> str:
    value = round(score)
    return next((name for low, high, name in BANDS if low <= value <= high), "off scale")


def section(db: ReportDB, out: Path) -> md.Section:
    s = md.Section("LLM judge ratings")
    if not db.has("verdicts") or not db.has("completions"):
        return s.add("_This version publishes no `verdicts` (or `completions`) table, so there are no judge "
                     "ratings to show._")
    summary = db.run("judge_summary")
    if summary.frame is None or summary.frame.is_empty():
        return s.add("No LLM judge has rated this version's completions. `notus judge VERSION --queue "
                     "review_needed --endpoint URL --model NAME` asks one (README: *Judging with an LLM*).")
    s.add("Each judge's last word on each completion it was asked about (`notus judge`: a 1–10 rating with a "
          "rationale, or `judge_failed` when its answer gave no usable rating), next to the original critique "
          "score and the rating mean of the same completions. *low* = rated ≤ 3 (the judge confirms the "
          "critique's top score was wrong), *high* = rated ≥ 8.",
          md.table(summary.frame, headers={
              "mean_judge_rating": "judge mean", "mean_critique_score": "critique mean",
              "mean_rating_mean": "rating mean", "low_share": "low", "high_share": "high"}))
    cells, hist = db.run("judge_cells", bin_width=RATING_BIN), db.run("judge_score_histogram")
    if cells.frame is not None and hist.frame is not None:
        plots.judge_ratings(cells.frame, hist.frame, out / FIGURE)
        s.add(md.image(FIGURE, "judge rating against rating mean, and against the critique score"))
    bands = db.run("judge_by_band")
    if bands.frame is not None and bands.frame.height:
        s.add("Rated completions per band of the rating mean (OpenBMB's fix set a critique 10 to 1 at a mean ≤ 2, "
              "kept it at a mean > 4, and re-asked GPT-4 in between):",
              md.table(bands.frame, headers={"rating_mean_band": "rating mean", "mean_judge_rating": "judge mean",
                                             "median_judge_rating": "judge median",
                                             "mean_critique_score": "critique mean"},
                       formats={"lowest": "g", "highest": "g"}))
    s.add(_agreement(db))
    return s


def _agreement(db: ReportDB) -> str:
    pairs = db.run("judge_vs_human")
    if pairs.frame is None or pairs.frame.is_empty():
        return ("No person has scored (`set_score`) a completion a judge rated, so there is no judge–human "
                "agreement to measure yet.")
    rows = []
    for (model, person), group in pairs.frame.group_by("model", "person", maintain_order=True):
        judge, human = group["judge_score"].to_list(), group["human_score"].to_list()
        exact = [(round(h), round(j)) for j, h in zip(judge, human, strict=True)]
        rows.append({"judge": model, "person": person, "completions": group.height,
                     "exact_share": sum(a == b for a, b in exact) / len(exact),
                     "within_one_share": sum(abs(a - b) <= 1 for a, b in exact) / len(exact),
                     "mean_abs_difference": sum(abs(a - b) for a, b in exact) / len(exact),
                     "kappa_1_to_10": cohen_kappa(exact),
                     "kappa_bands": cohen_kappa([(band(h), band(j)) for j, h in zip(judge, human, strict=True)])})
    frame = pl.DataFrame(rows, schema={"judge": pl.String, "person": pl.String, "completions": pl.Int64,
                                       "exact_share": pl.Float64, "within_one_share": pl.Float64,
                                       "mean_abs_difference": pl.Float64, "kappa_1_to_10": pl.Float64,
                                       "kappa_bands": pl.Float64})
    return ("**Agreement with people** on the completions both a judge and a person scored (each one's last "
            "`set_score`): exact and within-one shares, and Cohen's kappa on the 1–10 score and on the three "
            "bands low 1–3 / middle 4–7 / high 8–10 (1 = always agree, 0 = no better than chance; — when "
            "undefined, e.g. both always gave the same score).\n\n" + md.table(frame, headers={
                "exact_share": "exact", "within_one_share": "within 1", "mean_abs_difference": "mean abs. difference",
                "kappa_1_to_10": "kappa (1–10)", "kappa_bands": "kappa (bands)"}))
