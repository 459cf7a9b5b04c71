"""`--compare`: two binarizations of the same input, side by side (e.g. notus against zephyr).

WHY record_id is the join key: both versions number the same input records the same way, so a record's
chosen completion index under one rule can be set against the other's. Versions built from different
inputs would pair unrelated prompts; that is refused rather than reported.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from notus.core.errors import UsageError
from notus.core.version import Version
from notus.report import markdown as md
from notus.report import plots
from notus.report.queries import ReportDB
from notus.report.sections import RATING_BIN, missing

NOTUS_CARD_DIFFERS = 0.5  # Notus-7B card: the chosen response differs in ~50 % of prompts (real data)


def labels(v: Version, other: Version) -> tuple[str, str]:
    """Names for the two rules in tables and legends: the pipeline names, or name + version when equal."""
    if v.pipeline != other.pipeline:
        return v.pipeline, other.pipeline
    return f"{v.pipeline} {v.version_id[:8]}", f"{other.pipeline} {other.version_id[:8]}"


def check_same_input(v: Version, other: Version) -> None:
    mine = v.manifest.get("sources", {}).get("input", {}).get("fingerprint")
    theirs = other.manifest.get("sources", {}).get("input", {}).get("fingerprint")
    if mine and theirs and mine != theirs:
        raise UsageError(
            f"cannot compare {v.pipeline} {v.version_id} with {other.pipeline} {other.version_id}: they were "
            f"built from different inputs (input fingerprints {mine[:12]} and {theirs[:12]}); the comparison "
            "joins records by record_id, which only means something on the same input"
        )


def _rules(frame: pl.DataFrame, names: tuple[str, str]) -> pl.DataFrame:
    return frame.with_columns(pl.col("rule").replace_strict({"this": names[0], "other": names[1]}))


def sections(db: ReportDB, out: Path) -> list[md.Section]:
    assert db.other is not None
    v, other = db.version, db.other
    names = labels(v, other)
    head = md.Section(f"Comparison: {names[0]} against {names[1]}")
    both = [(name, [vv.rows(name) if name in vv.tables else None for vv in (v, other)])
            for name in sorted(set(v.tables) | set(other.tables))]
    differing = [k for k in sorted(set(v.params) | set(other.params)) if v.params.get(k) != other.params.get(k)]
    same = sorted(set(v.params) & set(other.params) - set(differing))
    side = pl.DataFrame({
        "": ["pipeline", "version", "created", *(f"param {k}" for k in differing), *(f"rows: {n}" for n, _ in both)],
        names[0]: [md.code(v.pipeline), md.code(v.version_id), str(v.manifest.get("created_at", "")),
                   *(_param(v.params, k) for k in differing), *(_count(r[0]) for _, r in both)],
        names[1]: [md.code(other.pipeline), md.code(other.version_id), str(other.manifest.get("created_at", "")),
                   *(_param(other.params, k) for k in differing), *(_count(r[1]) for _, r in both)],
    })
    head.add("Both versions were built from the same input; records are matched by `record_id`. Params that "
             "differ are listed; the others are the same in both"
             + (f" ({', '.join(same)})." if same else "."), md.table(side))
    out_sections = [head]

    overlap = db.run("compare_overlap")
    s = md.Section("Chosen completion: how often the rules disagree", level=3)
    out_sections.append(s)
    if overlap.frame is None:
        s.add(missing(overlap, "comparison"))
        return out_sections
    total = overlap.frame.filter(pl.col("source") == "all")
    if total.height and total["both_kept"][0]:
        t = total.row(0, named=True)
        s.add(f"Of the **{t['both_kept']:,}** prompts both versions keep, the chosen completion differs for "
              f"**{t['chosen_differs']:,} ({t['differs_share']:.1%})**. The Notus-7B card reports about "
              f"{NOTUS_CARD_DIFFERS:.0%} on the real UltraFeedback data. {t['only_this']:,} prompts are kept only "
              f"by {names[0]} and {t['only_other']:,} only by {names[1]} (see each version's drop reasons: "
              "e.g. ties that one rule drops and the other keeps).")
        plots.chosen_differs(overlap.frame, out / "compare_chosen_differs.png", names, NOTUS_CARD_DIFFERS)
        s.add(md.image("compare_chosen_differs.png", "share of prompts whose chosen completion differs"))
    else:
        s.add("The two versions keep no prompt in common.")
    s.add(md.table(overlap.frame, headers={"both_kept": "both keep", "only_this": f"only {names[0]}",
                                           "only_other": f"only {names[1]}", "chosen_differs": "chosen differs",
                                           "differs_share": "differs"}))

    confusion = db.run("compare_confusion")
    if confusion.frame is not None and confusion.frame.height:
        c = md.Section("Chosen-index confusion table", level=3)
        wide = (confusion.frame.sort("other_index")
                .with_columns(pl.col("other_index").cast(pl.String).alias("col"))
                .pivot("col", index="this_index", values="records").sort("this_index").fill_null(0)
                .rename({"this_index": f"{names[0]} ↓ / {names[1]} →"}))
        plots.confusion(confusion.frame, out / "compare_confusion.png", names)
        c.add("Which completion (0-based position in the record) each rule chose, over the prompts both keep. "
              "The diagonal is agreement.", md.image("compare_confusion.png", "chosen index confusion"),
              md.table(wide))
        out_sections.append(c)

    cross = db.run("compare_cross")
    x = md.Section("How each rule's choices rate on the other's measure", level=3)
    out_sections.append(x)
    if cross.frame is None:
        x.add(missing(cross, "cross-rating"))
        return out_sections
    x.add(f"Both rules' chosen completions measured with the same yardstick ({names[0]}'s `completions`): the "
          "rating mean (the Notus measure) and the critique overall_score (the Zephyr measure). *top* = the "
          "chosen completion has the record's best value on that measure; *bottom rating* = it has the record's "
          "lowest rating mean although the means are not all equal.",
          md.table(_rules(cross.frame, names), headers={
              "mean_rating": "mean rating", "mean_score": "mean score", "top_rating_share": "top rating",
              "top_score_share": "top score", "bottom_rating_share": "bottom rating"}))
    hist = db.run("compare_chosen_histogram", rating_bin=RATING_BIN)
    if hist.frame is not None and hist.frame.height:
        plots.chosen_ratings(hist.frame, out / "compare_chosen_ratings.png", names, RATING_BIN)
        x.add(md.image("compare_chosen_ratings.png", "each rule's chosen completions on both measures"))
    flagged = db.run("compare_flagged")
    if flagged.frame is not None and flagged.frame.height:
        x.add(f"Chosen completions that {names[0]}'s mismatch detector flags (prompts both keep):",
              md.table(_rules(flagged.frame, names), headers={"flagged_chosen": "flagged chosen",
                                                               "chosen_share": "share of chosen"}))
    return out_sections


def _param(params: dict[str, object], key: str) -> str:
    return md.code(json.dumps(params[key])) if key in params else md.MISSING


def _count(rows: int | None) -> str:
    return md.MISSING if rows is None else f"{rows:,}"
