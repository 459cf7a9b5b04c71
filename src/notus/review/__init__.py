"""`notus review`: a local web app over one built version, where a person reads the records a review queue
names and records verdicts (notus.verdicts.format) that the next build applies.

WHY a capability: it only reads a version through notus.core.version and writes verdict lines through
notus.verdicts.format; queries run in DuckDB on the server, over the version's Parquet files, so the browser
only ever holds one page of rows (`data`), and every write is appended and fsynced before it is acknowledged
(`ledger`). Modules: tables (the version opened in DuckDB), filters (what a request may ask), data (the
queries), ledger (the verdicts folder), actions (verdicts built from a request), highlight (evidence in
critiques), security (host, token, CSRF, CSP), rebuild, session (the state served), app (routes), serve.
"""
