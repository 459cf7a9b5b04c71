"""Column mapping params: a field, a nested field, alternatives, hyphenated keys; mistakes named."""

from __future__ import annotations

import json

import duckdb
import pytest

from notus.core.errors import UsageError
from notus.preference.columns import Column, record_type


def read(value: str, record: dict) -> str | None:
    column = Column.parse("p", value)
    assert column is not None
    rtype = record_type([column])
    return duckdb.sql(f"SELECT {column.sql()} FROM (SELECT json_transform($t, $type) AS j)",
                      params={"t": json.dumps(record), "type": rtype}).fetchall()[0][0]


def test_fields_nested_fields_alternatives_and_hyphens() -> None:
    assert read("prompt", {"prompt": "q"}) == '"q"'
    assert read("metadata.score_chosen", {"metadata": {"score_chosen": 9.5}}) == "9.5"
    assert read("score_chosen|metadata.score_chosen", {"metadata": {"score_chosen": 9}}) == "9"
    assert read("score_chosen|metadata.score_chosen", {"score_chosen": 8, "metadata": {"score_chosen": 9}}) == "8"
    assert read("chosen-rating", {"chosen-rating": 4.5}) == "4.5"
    assert read('odd"key', {'odd"key': [1]}) == "[1]"
    assert read("absent", {"prompt": "q"}) is None


def test_empty_means_not_mapped_and_mistakes_are_usage_errors() -> None:
    assert Column.parse("system_column", "") is None and Column.parse("system_column", "  ") is None
    with pytest.raises(UsageError, match=r"param prompt_column: 'a\.\.b' has an empty field name"):
        Column.parse("prompt_column", "a..b")
    with pytest.raises(UsageError, match="expected a field name"):
        Column.parse("prompt_column", 3)
    with pytest.raises(UsageError, match="both a field and an object"):
        record_type([Column.parse("a", "meta.x"), Column.parse("b", "meta")])
