"""Writing a report: verify the versions, run the sections, write report.md and its PNGs into one folder.

WHY the default folder is outside the version: a version is immutable (its manifest hashes its files),
so the report goes to data/reports/<pipeline>-<version>[-vs-<pipeline>-<version>]/, and an --out inside a
version folder is refused. Rewriting a report replaces only the files a report writes.
"""

from __future__ import annotations

from pathlib import Path

from notus.core.errors import UsageError
from notus.core.version import Version
from notus.report import compare, judging, sections, verdicts
from notus.report import markdown as md
from notus.report.queries import ReportDB

DEFAULT_REPORTS_DIR = Path("data/reports")
REPORT_FILE = "report.md"
FIGURE_FILES = (
    "drop_reasons.png", "rating_by_source.png", "margins.png", "ties.png", "score_vs_rating.png",
    "mismatches.png", "contamination.png", "compare_chosen_differs.png", "compare_confusion.png",
    "compare_chosen_ratings.png", "judge_ratings.png",
)
EXAMPLES_PER_GROUP = 5


def default_out(v: Version, other: Version | None) -> Path:
    name = f"{v.pipeline}-{v.version_id}"
    if other is not None:
        name += f"-vs-{other.pipeline}-{other.version_id}"
    return DEFAULT_REPORTS_DIR / name


def write_report(version: str | Path, *, compare_with: str | Path | None = None, out: str | Path | None = None,
                 examples: int = EXAMPLES_PER_GROUP) -> Path:
    """Write the report of `version` (compared with `compare_with` when given); return report.md's path."""
    if examples < 0:
        raise UsageError(f"--examples must be >= 0, got {examples}")
    v = Version.open(version)
    other = Version.open(compare_with) if compare_with is not None else None
    v.verify()
    if other is not None:
        other.verify()
        compare.check_same_input(v, other)
    target = Path(out) if out is not None else default_out(v, other)
    for inside in (v, other):
        if inside is not None and target.resolve().is_relative_to(inside.path):
            raise UsageError(f"--out {target} is inside the version folder {inside.path}; versions are immutable, "
                             "write the report elsewhere")
    target.mkdir(parents=True, exist_ok=True)
    for name in (REPORT_FILE, *FIGURE_FILES):
        (target / name).unlink(missing_ok=True)

    db = ReportDB.open(v, other)
    try:
        parts = [
            sections.header(v, db),
            sections.drops(db, target),
            sections.conversations(db),
            sections.ratings(db, target),
            sections.margins(db, target),
            sections.ties(db, target),
            *sections.mismatches(db, target, examples, v.params),
            *sections.contamination(db, target, examples),
            verdicts.section(db),
            judging.section(db, target),
        ]
        if other is not None:
            parts += compare.sections(db, target)
    finally:
        db.close()
    title = f"Curation report: {v.pipeline} `{v.version_id}`"
    if other is not None:
        title += f" compared with {other.pipeline} `{other.version_id}`"
    intro = ["Written by `notus report` from the version's published tables; every number and picture "
             "comes from a query in `sql/report/`. The data is whatever the version was built from (the "
             "`make data` default is a synthetic sample, not the real UltraFeedback).",
             "**Contents:** " + " · ".join(part.title for part in parts if part.level == 2)]
    report = target / REPORT_FILE
    report.write_text(md.document(title, intro, parts))
    return report
