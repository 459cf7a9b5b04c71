"""Benchmark decontamination: flag training prompts that are, contain, or copy benchmark prompts.

normalize (text normalisation) -> benchmarks (reading the published sets) -> index (built once per run)
-> match (set-based joins over all prompts) -> steps (the registered pipeline step); hub adds the
`benchmarks+hub://` source scheme.
"""
