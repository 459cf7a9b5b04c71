"""DPO training on a curated version: TRL's DPOTrainer launched through accelerate.

The package reads a version only through `notus.core.version.Version`, so a model can always be traced back
to the exact files it was trained on (see `lineage`). Heavy imports (torch, transformers, trl) live in the
modules that need them, so `notus --help` stays fast.
"""
