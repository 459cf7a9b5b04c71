"""Malformed UltraFeedback inputs for the ingest tests: a corpus of bad records and files, each with the
outcome ingest must give it, and a way to run the real ingest step on files in a temporary folder."""
