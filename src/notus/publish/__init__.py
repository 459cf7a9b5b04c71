"""Publishing a built version to the Hugging Face Hub as a dataset repo (issue 7).

`layout` cuts the tables into Hub-style Parquet shards, `card` writes the README.md (metadata + provenance),
`folder` assembles the exact folder that is uploaded (and that `--dry-run` writes), `client` holds the
token, the timeout-bound HTTP client and the error messages, and `upload` commits and tags idempotently.
"""
