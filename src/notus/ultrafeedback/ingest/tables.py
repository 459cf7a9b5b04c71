"""The four tables `ultrafeedback.ingest` writes, with their exact Arrow schemas.

Every record lands in `prompts` (one row) or `invalid` (one row); `responses` has one row per completion
and `ratings` one per completion and aspect (long, so an aspect list is a param, not a schema change).
"""

from __future__ import annotations

import pyarrow as pa

SCHEMAS: dict[str, pa.Schema] = {
    "prompts": pa.schema([
        ("record_id", pa.int64()), ("prompt_id", pa.string()), ("source", pa.string()), ("prompt", pa.string()),
        ("n_completions", pa.int32()), ("record_hash", pa.string()), ("file", pa.string()), ("line", pa.int64()),
    ]),
    "responses": pa.schema([
        ("record_id", pa.int64()), ("prompt_id", pa.string()), ("completion_index", pa.int32()),
        ("model", pa.string()), ("principle", pa.string()), ("response", pa.string()), ("critique", pa.string()),
        ("overall_score", pa.float64()), ("fine_grained_score", pa.float64()),
    ]),
    "ratings": pa.schema([
        ("record_id", pa.int64()), ("prompt_id", pa.string()), ("completion_index", pa.int32()),
        ("aspect", pa.string()), ("rating", pa.int32()), ("rating_raw", pa.string()), ("rationale", pa.string()),
        ("rationale_for_rating", pa.string()), ("types", pa.list_(pa.string())),
    ]),
    "invalid": pa.schema([
        ("record_id", pa.int64()), ("prompt_id", pa.string()), ("reason", pa.string()), ("detail", pa.string()),
    ]),
}


TABLES: dict[str, tuple[str, ...]] = {t: tuple(schema.names) for t, schema in SCHEMAS.items()}
