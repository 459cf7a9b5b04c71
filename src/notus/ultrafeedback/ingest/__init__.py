"""The `ultrafeedback.ingest` step: raw openbmb/UltraFeedback files -> prompts, responses, ratings, ranks
(empty), invalid.

`step` runs it slab by slab, `parse` holds the SQL that parses and checks each record once, `tables` the
exact schemas of what it writes.
"""

from notus.ultrafeedback.ingest.step import DEFAULT_MAX_RECORD_BYTES, SLAB_BYTES, ingest, write_tables
from notus.ultrafeedback.ingest.tables import SCHEMAS, TABLES

__all__ = ["DEFAULT_MAX_RECORD_BYTES", "SCHEMAS", "SLAB_BYTES", "TABLES", "ingest", "write_tables"]
