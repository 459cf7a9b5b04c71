"""The five tables `ultrafeedback.ingest` writes, with their exact Arrow schemas: the canonical shape
(`notus.ingest.canonical`) plus UltraFeedback's own columns.

Every record lands in `prompts` (one row) or `invalid` (one row); `responses` has one row per completion
and `ratings` one per completion and aspect (long, so an aspect list is a param, not a schema change), on
UltraFeedback's 1..5 scale. `conversation` is the one user turn, `[{user, instruction}]`. UltraFeedback
ranks nothing, so `ranks` is written empty (with its schema) for the curation SQL that reads it.
"""

from __future__ import annotations

import pyarrow as pa

from notus.ingest.canonical import SCHEMAS as CANONICAL

SCHEMAS: dict[str, pa.Schema] = {
    "prompts": CANONICAL["prompts"],  # nothing of its own: one user turn, the canonical columns
    "responses": pa.schema([
        ("record_id", pa.int64()), ("prompt_id", pa.string()), ("completion_index", pa.int32()),
        ("model", pa.string()), ("principle", pa.string()), ("response", pa.string()), ("critique", pa.string()),
        ("overall_score", pa.float64()), ("fine_grained_score", pa.float64()),
    ]),
    "ratings": pa.schema([
        ("record_id", pa.int64()), ("prompt_id", pa.string()), ("completion_index", pa.int32()),
        ("aspect", pa.string()), ("rating", pa.float64()), ("scale_min", pa.float64()),
        ("scale_max", pa.float64()), ("rating_raw", pa.string()), ("rationale", pa.string()),
        ("rationale_for_rating", pa.string()), ("types", pa.list_(pa.string())),
    ]),
    "ranks": CANONICAL["ranks"],
    "invalid": CANONICAL["invalid"],
}
SCALE = (1.0, 5.0)  # every UltraFeedback rating is an integer 1..5


TABLES: dict[str, tuple[str, ...]] = {t: tuple(schema.names) for t, schema in SCHEMAS.items()}
