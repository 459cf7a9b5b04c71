"""Markdown pieces: query rows as pipe tables, text excerpts, sections, and the assembled document.

WHY its own module: the formatting rules (thousands separators, shares as percentages, a dash for a
missing value, pipes and newlines escaped so a critique cannot break a table) are the same in every
section, and keeping them here lets the section code read as "which query, which sentence".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

MISSING = "—"


@dataclass
class Section:
    title: str
    blocks: list[str] = field(default_factory=list)
    level: int = 2

    def add(self, *blocks: str) -> Section:
        self.blocks.extend(b for b in blocks if b)
        return self

    def render(self) -> str:
        return "\n\n".join([f"{'#' * self.level} {self.title}", *self.blocks])


def document(title: str, intro: Iterable[str], sections: Iterable[Section]) -> str:
    parts = [f"# {title}", *intro, *(s.render() for s in sections)]
    return "\n\n".join(parts).rstrip() + "\n"


def cell(value: Any, column: str = "", fmt: str | None = None) -> str:
    """One value as table text: shares as percentages, counts with separators, floats to 2 places."""
    if value is None or (isinstance(value, float) and value != value):
        return MISSING
    if fmt is not None:
        return format(value, fmt)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}" if not column.endswith(("index", "_id")) else str(value)
    if isinstance(value, float):
        if column.endswith("share"):
            return f"{value:.1%}"
        return f"{value:,.2f}"
    return escape(str(value))


def escape(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("|", "\\|").strip()


def table(frame: pl.DataFrame, headers: Mapping[str, str] | None = None,
          formats: Mapping[str, str] | None = None) -> str:
    """A pipe table of `frame`; `headers` renames columns for the reader, `formats` fixes a column's format."""
    headers = headers or {}
    formats = formats or {}
    if frame.is_empty():
        return "_(no rows)_"
    names = [headers.get(c, c.replace("_", " ")) for c in frame.columns]
    numeric = [frame.schema[c].is_numeric() for c in frame.columns]
    lines = ["| " + " | ".join(names) + " |",
             "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    for row in frame.iter_rows():
        lines.append("| " + " | ".join(cell(v, c, formats.get(c)) for v, c in zip(row, frame.columns, strict=True))
                     + " |")
    return "\n".join(lines)


def key_values(pairs: Iterable[tuple[str, Any]]) -> str:
    lines = ["| | |", "|---|---|"]
    lines += [f"| {escape(k)} | {v if isinstance(v, str) else cell(v)} |" for k, v in pairs]
    return "\n".join(lines)


def excerpt(text: str | None, limit: int = 240) -> str | None:
    """The start of a text, whitespace collapsed, cut at a word boundary with an ellipsis."""
    if text is None:
        return None
    flat = re.sub(r"\s+", " ", text).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(".,;:") + " …"


def image(file: str, alt: str) -> str:
    return f"![{escape(alt)}]({file})"


def code(text: str) -> str:
    return f"`{text}`"
