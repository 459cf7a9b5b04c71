"""Judge prompt templates: a Jinja2 file (under `prompts/` at the repository root) rendered into chat messages.

WHY Jinja blocks: a template is one readable file, the system and user messages are its `system` and `user`
blocks, and everything outside them (the header comment saying what the rubric follows) is documentation.
Undefined variables are errors (StrictUndefined), so a typo in a user's template is reported before any
request is sent, not sent as an empty string to a paid API.

WHY the sha256 of the file's bytes: it is recorded in every verdict and enters every request key, so a rating
always says exactly which rubric produced it, and editing the template (a single byte) makes new requests
instead of reusing answers to the old wording.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from notus.core.errors import UsageError

PROMPTS_DIR = Path(__file__).resolve().parents[3] / "prompts"
DEFAULT_TEMPLATE = PROMPTS_DIR / "ultrafeedback-overall.md"
SCALE = (1, 10)  # UltraFeedback's critique overall_score scale
BLOCKS = ("system", "user")

Message = dict[str, str]


@dataclass(frozen=True)
class Template:
    path: Path
    sha256: str
    compiled: jinja2.Template

    @property
    def name(self) -> str:
        return self.path.stem

    def render(self, values: Mapping[str, Any], *, structured: bool) -> list[Message]:
        """The chat messages for one completion: system (when the block renders non-empty), then user."""
        context = {"scale_min": SCALE[0], "scale_max": SCALE[1], "structured": structured, **values}
        messages = []
        for block in BLOCKS:
            render = self.compiled.blocks.get(block)
            if render is None:
                continue
            try:
                text = "".join(render(self.compiled.new_context(context))).strip()
            except jinja2.UndefinedError as exc:
                raise UsageError(f"{self.path}: block {block}: {exc.message} (variables: "
                                 f"{', '.join(sorted(context))})") from None
            if text:
                messages.append({"role": block, "content": text})
        return messages


def load(path: str | Path | None = None) -> Template:
    """Read and compile a template (the default when `path` is None); UsageError names the file and line."""
    file = Path(path) if path is not None else DEFAULT_TEMPLATE
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise UsageError(f"--template {file}: cannot read it ({exc.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"--template {file}: not UTF-8 text") from None
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    try:
        compiled = env.from_string(text)
    except jinja2.TemplateSyntaxError as exc:
        raise UsageError(f"{file}:{exc.lineno}: template syntax error: {exc.message}") from None
    if "user" not in compiled.blocks:
        raise UsageError(f"{file}: the template has no {{% block user %}} (the message the judge is asked)")
    return Template(file, hashlib.sha256(data).hexdigest(), compiled)
