"""Ingest plugins for any preference dataset, in the three shapes preference data comes in: pairwise
(`pairwise`), rated (`rated`) and ranked (`ranked`), each mapped onto the canonical tables of
`notus.ingest.canonical` by a column mapping declared as params (`columns`). `transcripts` parses the text
formats of multi-turn data (Anthropic HH, HelpSteer2's `<extra_id_1>` lines)."""
