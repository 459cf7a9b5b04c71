"""`make bench`: notus against the floor (DuckDB copy) and the notebook way (datasets + Dataset.map)."""
