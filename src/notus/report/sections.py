"""The sections of a one-version report: which query, which picture, which sentences.

WHY sentences and not only tables: the report is read by a curator deciding whether a build can be
trusted, so each section says what the measure is and how to read it. Every number in a sentence is a
value of a query result (sql/report/), never recomputed here, and a section whose tables the version does
not publish says so in one sentence instead of failing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from notus.core.version import Version
from notus.report import markdown as md
from notus.report import plots
from notus.report.queries import ReportDB, Result

RATING_BIN = 0.25
SCORE_BIN = 0.5
ASPECT_HEADERS = {"helpfulness": "help", "honesty": "hon", "instruction_following": "instr",
                  "truthfulness": "truth"}
DROP_REASONS = {
    "tie": "every rated completion has the same rating mean, so there is no strictly worse one to reject",
    "too_few_completions": "fewer than two (rated) completions: no pair can be formed",
    "contaminated": "the prompt matches a benchmark (see the contamination section)",
    "duplicate": "an exact duplicate record: the same prompt AND the same completions, ratings and critiques as "
                 "an earlier record, which is kept (a repeated prompt with other completions is not a duplicate)",
    "below_margin": "the best pair's rating margin is below the pipeline's min_margin",
    "reviewed": "a reviewer dropped it (drop_record verdict; the detail has their note and name)",
}
MISMATCH_REASONS = {
    "score_defect": "critique score at the top while the rating mean is low: the signature of the upstream "
                    "parser defect that turned a critique score of 1 into 10",
    "negative_critique": "critique score at the top while the critique text itself is clearly negative "
                         "(read from the text alone, so it works when ratings are missing or disagree)",
}


def missing(result: Result, what: str, why: str = "") -> str:
    tables = ", ".join(f"`{t}`" for t in result.missing)
    return f"_This version does not publish {tables}{why}, so there is no {what} to show._"


def build_relative(folder: Path) -> str:
    """A version folder as `<pipeline>/<id>`: where it is in any build folder, whoever built it."""
    return folder.relative_to(folder.parent.parent).as_posix()


def header(v: Version, db: ReportDB) -> md.Section:
    m = v.manifest
    s = md.Section("The version")
    s.add(md.key_values([
        ("pipeline", md.code(v.pipeline)), ("version", md.code(v.version_id)),
        ("description", md.escape(str(m.get("description") or "")) or md.MISSING),
        ("created", str(m.get("created_at", md.MISSING))),
        ("folder", md.code(build_relative(v.path)) + " (in the build folder)"),
    ]))
    params = sorted(v.params.items())
    if params:
        s.add("**Params**", md.key_values((k, md.code(json.dumps(val))) for k, val in params))
    sources = m.get("sources", {})
    if sources:
        s.add("**Sources**", md.key_values(
            (name, f"{md.code(str(src.get('uri')))} — {len(src.get('files', []))} file(s), fingerprint "
                   f"{md.code(str(src.get('fingerprint', ''))[:16])}") for name, src in sources.items()))
    rows = pl.DataFrame({"table": v.tables, "rows": [v.rows(t) for t in v.tables]},
                        schema={"table": pl.String, "rows": pl.Int64})
    s.add("**Published tables** (rows as recorded in the manifest and checked against the files)", md.table(rows))
    audits = m.get("audits", {})
    if audits:
        s.add("**Audits**: " + ", ".join(f"{md.code(n)} {'passed' if a.get('ok') else 'FAILED'}"
                                          for n, a in audits.items()))
    acc = db.run("accounting")
    if acc.ok and acc.frame is not None and acc.frame.height:
        r = acc.frame.row(0, named=True)
        s.add(f"Of **{r['input_records']:,}** input records, **{r['kept_records']:,}** ({r['kept_share']:.1%}) became "
              f"**{r['pairs']:,}** preference pairs ({r['train_pairs']:,} train, {r['test_pairs']:,} test) and "
              f"**{r['dropped_records']:,}** were dropped.")
    return s


def drops(db: ReportDB, out: Path) -> md.Section:
    s = md.Section("Dropped records")
    r = db.run("drop_reasons")
    if not r.ok or r.frame is None:
        return s.add(missing(r, "drop accounting"))
    if r.frame.is_empty():
        return s.add("No input record was dropped.")
    plots.drop_reasons(r.frame, out / "drop_reasons.png")
    explained = r.frame.with_columns(meaning=pl.col("reason").replace_strict(
        DROP_REASONS, default=None, return_dtype=pl.String))
    s.add("Every input record that did not become a preference pair is in `dropped`, once, with its reason. "
          "Share = share of all input records.",
          md.image("drop_reasons.png", "drop reasons"),
          md.table(explained.select("reason", "records", "input_share", "meaning", "example_detail"),
                   headers={"input_share": "share of input", "example_detail": "example detail"}))
    return s


def ratings(db: ReportDB, out: Path) -> md.Section:
    s = md.Section("Rating means per source")
    summary = db.run("rating_summary")
    hist = db.run("rating_histogram", bin_width=RATING_BIN)
    if not summary.ok or summary.frame is None or hist.frame is None:
        return s.add(missing(summary, "rating distribution"))
    s.add("The rating mean is the Notus measure of a completion: the mean of its aspect ratings "
          "(helpfulness, honesty, instruction following, truthfulness; 1–5 each), N/A ratings left out. "
          "A completion with no usable rating has no mean (column `unrated`).")
    if summary.frame.height:
        plots.rating_by_source(hist.frame, summary.frame, out / "rating_by_source.png", RATING_BIN)
        s.add(md.image("rating_by_source.png", "rating mean distribution per source"))
    s.add(md.table(summary.frame, headers={"unrated_share": "unrated", "q1": "25 %", "q3": "75 %",
                                            "p10": "10 %", "p90": "90 %"}))
    return s


def margins(db: ReportDB, out: Path) -> md.Section:
    s = md.Section("Chosen-minus-rejected margins")
    summary = db.run("margin_summary")
    hist = db.run("margin_histogram", rating_bin=RATING_BIN, score_bin=SCORE_BIN)
    if not summary.ok or summary.frame is None or hist.frame is None:
        return s.add(missing(summary, "margin"))
    if hist.frame.height:
        plots.margins(hist.frame, out / "margins.png", RATING_BIN, SCORE_BIN)
        s.add(md.image("margins.png", "chosen minus rejected margins"))
    s.add("How far apart each pair's chosen and rejected completions are, on the rating mean and on the "
          "critique overall_score. A rule that picks by one measure can leave ties or reversed pairs "
          "(rejected ahead of chosen) on the other; those pairs teach the model little or the wrong thing.",
          md.table(summary.frame, headers={
              "mean_rating_margin": "mean rating margin", "rating_tie_share": "rating tie",
              "rating_reversed_share": "rating reversed", "mean_score_margin": "mean score margin",
              "score_tie_share": "score tie", "score_reversed_share": "score reversed"}))
    return s


def ties(db: ReportDB, out: Path) -> md.Section:
    s = md.Section("Ties")
    r = db.run("ties")
    if not r.ok or r.frame is None:
        return s.add(missing(r, "tie analysis"))
    per_source = r.frame.filter(pl.col("source") != "all")
    if per_source.height:
        plots.ties(per_source, out / "ties.png")
        s.add(md.image("ties.png", "ties per source"))
    s.add("Over records with at least two completions: a *tie at the top* means two or more completions share "
          "the best value, so the rule's tie-breaker decides the chosen one; *all equal* means there is no "
          "worse completion at all. The Notus rule drops all-equal records (reason `tie`); the Zephyr rule "
          "keeps them and takes the first maximum of overall_score.",
          md.table(r.frame, headers={
              "records": "records (≥ 2 completions)", "top_tie_rating_share": "tie at top (rating)",
              "full_tie_rating_share": "all equal (rating)", "top_tie_score_share": "tie at top (score)",
              "full_tie_score_share": "all equal (score)"}))
    return s


def mismatches(db: ReportDB, out: Path, per_group: int, params: dict[str, Any]) -> list[md.Section]:
    s = md.Section("Score/rationale mismatches")
    counts = db.run("mismatch_counts")
    if not counts.ok or counts.frame is None:
        return [s.add(missing(counts, "mismatch analysis"))]
    cells = db.run("score_vs_rating", bin_width=RATING_BIN)
    score_min = float(params.get("defect_score_min", 9))
    mean_max = float(params.get("defect_mean_max", 2))
    s.add("A *mismatch* is a completion whose critique overall_score is at the top while something else says "
          "it is bad. Reasons:\n\n" + "\n".join(
              f"- `{reason}`: {MISMATCH_REASONS.get(reason, 'reported by the pipeline')}"
              for reason in sorted(set(counts.frame["reason"].to_list()))))
    if cells.ok and cells.frame is not None and cells.frame.height:
        plots.score_vs_rating(cells.frame, out / "score_vs_rating.png", RATING_BIN, score_min, mean_max)
        s.add("Critique score against rating mean for every completion: the outlined corner is where the "
              "defect signature lives (a critique score of 10 that the four ratings contradict).",
              md.image("score_vs_rating.png", "critique score against rating mean"))
    if counts.frame.is_empty():
        return [s.add("The detector flagged no completion in this version.")]
    plots.mismatches(counts.frame, out / "mismatches.png")
    wide = (counts.frame.with_columns(cell=pl.format("{} ({})", pl.col("flagged").map_elements(
        lambda n: f"{n:,}", return_dtype=pl.String), pl.col("completion_share").map_elements(
        lambda x: f"{x:.1%}", return_dtype=pl.String)))
        .pivot("reason", index="source", values="cell").sort("source").fill_null("0"))
    s.add(md.image("mismatches.png", "mismatches per source and reason"),
          "Flagged completions per source (share of that source's completions):", md.table(wide))
    sections = [s]
    examples = db.run("mismatch_examples", per_group=per_group)
    if examples.frame is None:
        return sections
    shown = examples.frame.with_columns(pl.col("critique").map_elements(
        md.excerpt, return_dtype=pl.String))
    columns = ["source", "record_id", "completion_index", "model", "critique", "overall_score", "mean_rating",
               *ASPECT_HEADERS, "evidence"]
    note = (f"Up to {per_group} examples per reason and source, picked by a hash of the completion key (stable "
            "across runs). `help`, `hon`, `instr`, `truth` are the four aspect ratings (1–5, — = N/A).")
    if not db.has_critiques:
        columns.remove("critique")
        note += (" This version publishes no critique text (neither `mismatches`, `completions` nor a "
                 "`responses` table carries a `critique` column), so the examples show the detector's "
                 "evidence in its place.")
    for reason in sorted(set(shown["reason"].to_list())):
        sub = md.Section(f"Examples: `{reason}`", level=3)
        rows = shown.filter(pl.col("reason") == reason).select(columns)
        sub.add(note, md.table(rows, headers={"record_id": "record", "completion_index": "idx",
                                              "overall_score": "score", "mean_rating": "mean", **ASPECT_HEADERS},
                               formats={"overall_score": "g"}))
        sections.append(sub)
    return sections


def contamination(db: ReportDB, out: Path, per_group: int) -> list[md.Section]:
    s = md.Section("Benchmark contamination")
    counts = db.run("contamination_counts")
    if not counts.ok or counts.frame is None:
        return [s.add(missing(counts, "contamination check", " (its pipeline has no decontamination step)"))]
    if counts.frame.is_empty():
        s.add("The decontamination step found no prompt that matches a benchmark.")
    else:
        plots.contamination(counts.frame, out / "contamination.png")
        s.add("Prompts that match a benchmark's prompts are removed (drop reason `contaminated`). Methods: "
              "`source` (the UltraFeedback source is the benchmark itself), `exact` (equal after normalising "
              "case, whitespace, punctuation and unicode), `ngram` (shares word n-grams with a benchmark "
              "item, or contains a whole short item). A record can match several benchmarks and methods.",
              md.image("contamination.png", "contamination per benchmark and method"),
              md.table(counts.frame, headers={"hits": "hit rows", "mean_score": "mean score"}))
        by_source = db.run("contamination_by_source")
        if by_source.frame is not None and by_source.frame.height:
            s.add("Where the contaminated records come from:", md.table(by_source.frame))
    sets = db.run("benchmark_sets")
    if sets.ok and sets.frame is not None:
        digests = [c for c in sets.frame.columns if c in ("sha256", "fingerprint")]
        shown = sets.frame.with_columns(pl.col(c).cast(pl.String).str.slice(0, 16) for c in digests)
        s.add("Benchmark sets checked" + (" (digests shortened to 16 characters):" if digests else ":"),
              md.table(shown))
    sections = [s]
    examples = db.run("contamination_examples", per_group=per_group)
    if examples.frame is not None and examples.frame.height:
        shown = examples.frame.with_columns(pl.col("prompt").map_elements(md.excerpt, return_dtype=pl.String),
                                            pl.col("evidence").map_elements(md.excerpt, return_dtype=pl.String))
        if not db.has_prompts or shown["prompt"].null_count() == shown.height:
            shown = shown.drop("prompt")
        sub = md.Section("Contamination examples", level=3)
        sub.add(f"Up to {per_group} hits per benchmark and method, picked by a hash of the record id.",
                md.table(shown, headers={"record_id": "record"}))
        sections.append(sub)
    return sections
