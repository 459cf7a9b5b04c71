"""Session fixtures for the training tests: a version folder and a tiny model built from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from .versions import fixture_rows, write_version


@pytest.fixture(scope="session")
def version_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A read-only-by-convention version shared by the session's tests (copy it before tampering)."""
    return write_version(tmp_path_factory.mktemp("version") / "v1", fixture_rows())


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory, version_dir: Path) -> Path:
    from notus.core.version import Version
    from notus.train.data import chat_corpus
    from notus.train.tiny import TinySpec, build_tiny

    return build_tiny(
        tmp_path_factory.mktemp("tiny") / "tiny-model",
        chat_corpus(Version.open(version_dir)),
        TinySpec(),
        "test-version",
    )
