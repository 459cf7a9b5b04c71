"""Rubric templates: the default follows OpenBMB's re-annotation; a user's template fails early, naming itself."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from notus.core.errors import UsageError
from notus.judge import prompts

ROW = {"instruction": "What is 7 squared?", "response": "It is 14.", "critique": "Wrong: 7 squared is 49.",
       "principle": "helpfulness", "source": "flan", "completion_model": "gpt-4", "overall_score": 10.0,
       "mean_rating": 2.5}


def test_the_default_template_asks_for_the_overall_score_with_the_critique() -> None:
    template = prompts.load()
    assert template.path == prompts.DEFAULT_TEMPLATE and template.name == "ultrafeedback-overall"
    assert template.sha256 == hashlib.sha256(prompts.DEFAULT_TEMPLATE.read_bytes()).hexdigest()
    system, user = template.render(ROW, structured=False)
    assert system["role"] == "system" and "expert" in system["content"]
    assert user["role"] == "user"
    text = user["content"]
    for part in ("What is 7 squared?", "It is 14.", "Wrong: 7 squared is 49.", "from 1 to\n10", "Rating: <an integer"):
        assert part in text
    assert "{{" not in text and "{#" not in text
    structured = template.render(ROW, structured=True)[1]["content"]
    assert '{"rating"' in structured and "Rating: <an integer" not in structured


def test_an_empty_critique_is_said_not_left_blank() -> None:
    user = prompts.load().render({**ROW, "critique": ""}, structured=False)[1]["content"]
    assert "(no feedback was written for this answer)" in user


def test_a_template_without_a_system_block_sends_only_the_user_message(tmp_path: Path) -> None:
    path = tmp_path / "short.md"
    path.write_text("{# a comment #}{% block user %}Rate: {{ response }}{% endblock %}")
    messages = prompts.load(path).render(ROW, structured=False)
    assert messages == [{"role": "user", "content": "Rate: It is 14."}]


@pytest.mark.parametrize(("text", "message"), [
    ("{% block user %}{{ respnse }}{% endblock %}", "block user: 'respnse' is undefined"),
    ("{% block user %}{% if %}{% endblock %}", ":1: template syntax error"),
    ("no blocks at all", "has no {% block user %}"),
])
def test_template_mistakes_are_usage_errors_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "mine.md"
    path.write_text(text)
    with pytest.raises(UsageError, match=r"mine\.md") as err:
        prompts.load(path).render(ROW, structured=False)
    assert message in str(err.value)


def test_a_missing_template_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read it"):
        prompts.load(tmp_path / "nope.md")
