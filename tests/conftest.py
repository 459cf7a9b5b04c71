"""Test-wide settings: offline, and a path to the shared reference data (tests skip when it is absent)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Pipelines read verdicts from data/verdicts by default; tests must not depend on what a developer has
# reviewed there, so every pipeline run in the tests sees an empty verdicts folder unless it says otherwise.
os.environ.setdefault("NOTUS_VERDICTS", tempfile.mkdtemp(prefix="notus-test-verdicts-"))

from tests.support.paths import REPO, SHARED_DATA

__all__ = ["REPO", "SHARED_DATA"]


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA
