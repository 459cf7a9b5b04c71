"""UltraFeedback: the raw data's reader, its curation steps, and the synthetic sample generator."""
