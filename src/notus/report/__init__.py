"""Curation reports: what a version holds and how it differs from another, in numbers and pictures.

Reads versions only through `notus.core.version.Version`; the figures are queries in sql/report/.
"""

from notus.report.build import write_report

__all__ = ["write_report"]
