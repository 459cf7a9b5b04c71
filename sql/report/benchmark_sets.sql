-- The benchmark sets the version was checked against, as the version publishes them.
SELECT * FROM benchmark_sets ORDER BY ALL
