"""The report's verdicts section: what reviewers and judges decided, what the build applied, and how well
reviewers agree where two of them judged the same record or completion."""

from __future__ import annotations

from itertools import combinations

import polars as pl

from notus.report import markdown as md
from notus.report.agreement import cohen_kappa
from notus.report.queries import ReportDB
from notus.report.sections import missing

STATUS_MEANING = {
    "applied": "decides the key: the latest by a person, else the latest by a judge",
    "superseded": "the same author's earlier word, a judge overruled by a person, or agreeing with the winner",
    "conflicting": "another person (or model) decided the same key differently, and lost to a later verdict",
    "stale": "the record is here but the response text it judged changed (or that completion is gone)",
    "not_in_input": "about a prompt this input does not have (another dataset's, or an older input's)",
    "no_effect": "a judge that gave no usable answer, or a retract that names no verdict",
    "retracted": "withdrawn by a later retract line (an undo): as if never written",
    "invalid": "a line that is not a valid verdict",
}


def section(db: ReportDB) -> md.Section:
    s = md.Section("Verdicts")
    by_author = db.run("verdicts_by_author")
    if not by_author.ok or by_author.frame is None:
        return s.add(missing(by_author, "verdict"))
    frame = by_author.frame
    if frame.is_empty():
        return s.add("No verdicts: nobody has reviewed this data yet (`notus review`, `notus judge`), so the "
                     "version is exactly what the rules chose.")
    applied = frame.filter(pl.col("status") == "applied")
    s.add(f"**{int(frame['verdicts'].sum()):,}** verdict lines were read from the verdicts source; "
          f"**{int(applied['verdicts'].sum()):,}** were applied, acting on **{int(applied['records'].sum()):,}** "
          "records or completions. Each line's fate is in the published `verdicts` table.",
          md.table(frame), md.key_values(
              (md.code(k), v) for k, v in STATUS_MEANING.items() if k in set(frame["status"].to_list())))
    agreement = _agreement(db)
    if agreement is not None:
        s.add("**Agreement between reviewers** (Cohen's kappa over the keys both judged; their last word on "
              "each; 1 = always agree, 0 = no better than chance):", md.table(agreement))
    return s


def _agreement(db: ReportDB) -> pl.DataFrame | None:
    labels = db.run("verdict_labels")
    if not labels.ok or labels.frame is None or labels.frame.is_empty():
        return None
    frame = labels.frame.with_columns(key=pl.concat_str(
        pl.col("prompt_id"), pl.col("completion_index").cast(pl.String).fill_null("record"), separator="/"))
    by_author = {a: dict(zip(g["key"], g["label"], strict=True))
                 for (a,), g in frame.group_by("author", maintain_order=True)}
    rows = []
    for a, b in combinations(sorted(by_author), 2):
        common = sorted(by_author[a].keys() & by_author[b].keys())
        if not common:
            continue
        pairs = [(by_author[a][k], by_author[b][k]) for k in common]
        rows.append({"reviewer_a": a, "reviewer_b": b, "keys_both_judged": len(common),
                     "agree": sum(x == y for x, y in pairs) / len(pairs), "kappa": cohen_kappa(pairs)})
    if not rows:
        return None
    return pl.DataFrame(rows, schema={"reviewer_a": pl.String, "reviewer_b": pl.String,
                                      "keys_both_judged": pl.Int64, "agree": pl.Float64, "kappa": pl.Float64})
