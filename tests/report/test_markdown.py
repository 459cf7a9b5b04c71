"""Markdown formatting: values a reader can scan, and texts that cannot break a table."""

from __future__ import annotations

import polars as pl

from notus.report import markdown as md


def test_cells_format_counts_shares_ids_and_missing_values() -> None:
    assert md.cell(12345, "records") == "12,345"
    assert md.cell(12345, "record_id") == "12345"
    assert md.cell(0.4687, "differs_share") == "46.9%"
    assert md.cell(3.14159, "mean_rating") == "3.14"
    assert md.cell(None, "x") == md.cell(float("nan"), "x") == "—"
    assert md.cell(10.0, "overall_score", "g") == "10"


def test_a_critique_with_pipes_and_newlines_stays_in_its_cell() -> None:
    text = md.table(pl.DataFrame({"critique": ["bad | worse\nworst"], "n": [1]}))
    lines = text.splitlines()
    assert len(lines) == 3
    assert lines[2] == "| bad \\| worse worst | 1 |"
    assert lines[1] == "|---|---:|"


def test_excerpt_cuts_at_a_word_with_an_ellipsis() -> None:
    long = "Your answer is not helpful. " * 20
    cut = md.excerpt(long, 60)
    assert cut is not None and cut.endswith(" …") and len(cut) <= 62
    assert not cut[:-2].endswith(" ")
    assert md.excerpt("short\n text") == "short text"
    assert md.excerpt(None) is None


def test_document_joins_sections_in_order() -> None:
    one = md.Section("One").add("first", "")
    two = md.Section("Two", level=3).add("second")
    assert md.document("T", ["intro"], [one, two]) == "# T\n\nintro\n\n## One\n\nfirst\n\n### Two\n\nsecond\n"
    assert md.table(pl.DataFrame({"a": []})) == "_(no rows)_"
