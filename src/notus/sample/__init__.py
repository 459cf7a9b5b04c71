"""The synthetic UltraFeedback generator behind `notus sample` (see `generate.py`): raw records in the
openbmb/UltraFeedback schema with the real data's quirks and planted defects, and their ground truth."""

from notus.sample.generate import DEFAULT_CONTAMINATION_RATE, SampleResult, write_sample

__all__ = ["DEFAULT_CONTAMINATION_RATE", "SampleResult", "write_sample"]
