"""The command-line tests share the fixtures of the packages whose commands they drive: the tiny engine
project (tests/core), the publishable version and loopback Hub (tests/publish), the report's versions, the judge's
version and loopback chat-completions server (tests/judge)."""

from tests.core.conftest import project
from tests.judge.conftest import judge_version, server
from tests.publish.conftest import hub, version_dir
from tests.report.conftest import build_root, completions, notus_version, version_factory, zephyr_tables

__all__ = ["build_root", "completions", "hub", "judge_version", "notus_version", "project", "server", "version_dir",
           "version_factory", "zephyr_tables"]
