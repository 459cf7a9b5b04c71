"""The canonical shape: every ingest writes its tables with (at least) the canonical columns and types,
and prompt_id is the same in SQL and in Python."""

from __future__ import annotations

import hashlib

import duckdb
import pytest

from notus.ingest import canonical
from notus.preference.rated import SCHEMAS as RATED
from notus.ultrafeedback.ingest.tables import SCHEMAS as ULTRAFEEDBACK


@pytest.mark.parametrize("schemas", [ULTRAFEEDBACK, RATED, canonical.SCHEMAS], ids=["ultrafeedback", "rated", "base"])
def test_every_ingest_writes_the_canonical_columns(schemas: dict) -> None:
    assert set(schemas) == set(canonical.SCHEMAS)
    for table, schema in canonical.SCHEMAS.items():
        for field in schema:
            assert schemas[table].field(field.name).type == field.type, (table, field.name)


CONVERSATIONS = [
    [{"role": "user", "content": "What is 2+2?"}],
    [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"},
     {"role": "user", "content": 'Quote "this", a \\ backslash,\nnew line, tab\t, é, 中文, 😀 and </s>'}],
    [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Sky?"}],
]


@pytest.mark.parametrize("conversation", CONVERSATIONS)
def test_prompt_id_is_the_same_in_sql_and_python(conversation: list[dict[str, str]]) -> None:
    found = duckdb.sql(f"SELECT {canonical.prompt_id_sql('conv')} FROM (SELECT $c::{canonical.MESSAGE_SQL}[] AS conv)",
                       params={"c": conversation}).fetchall()[0][0]
    assert found == canonical.prompt_id(conversation)


def test_a_single_turn_keeps_the_h4_convention() -> None:
    """UltraFeedback's and H4's prompt_id: sha256 of the prompt text, so their ids do not change."""
    assert canonical.prompt_id(CONVERSATIONS[0]) == hashlib.sha256(b"What is 2+2?").hexdigest()
