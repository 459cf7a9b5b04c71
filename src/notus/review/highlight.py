"""Evidence phrases marked in a critique, safely.

The published `mismatches.evidence` of a `negative_critique` row lists the fault phrases that fired, '; '-
joined, as they appear in the lower-cased critique. WHY escape first: the critique is untrusted text, so it
is HTML-escaped whole, then the (equally escaped) phrases are found in it case-insensitively and wrapped in
<mark>; nothing from the data is ever inserted unescaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from markupsafe import Markup

NEGATIVE = "negative_critique"


def phrases(flags: Iterable[dict[str, object]]) -> list[str]:
    """The fault phrases of a completion's negative_critique flags, longest first, without repeats."""
    found: set[str] = set()
    for flag in flags:
        if flag.get("reason") == NEGATIVE and flag.get("evidence"):
            found |= {p.strip() for p in str(flag["evidence"]).split(";") if p.strip()}
    return sorted(found, key=lambda p: (-len(p), p))


def marked(text: str | None, evidence: Iterable[str]) -> Markup:
    """`text` escaped, with every evidence phrase wrapped in <mark>."""
    escaped = html.escape(text or "")
    patterns = [r"\s+".join(re.escape(html.escape(word)) for word in p.split()) for p in evidence]
    if not patterns:
        return Markup(escaped)
    joined = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    return Markup(joined.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))
