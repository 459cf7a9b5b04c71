"""Imports the modules that register the UltraFeedback Polars steps (see BUILTIN_STEP_MODULES)."""

from notus.ultrafeedback import (
    critique,  # noqa: F401  ultrafeedback.critique_negativity
    ingest,  # noqa: F401  ultrafeedback.ingest
)
