-- Contamination hits per benchmark and method: distinct records flagged, hit rows (a record can match
-- several items), and the mean match score. method: source (the record's source is the benchmark itself),
-- exact (normalised prompt equals a benchmark item), ngram (shared word n-grams / embedded item).
SELECT benchmark, method, count(DISTINCT record_id) AS records, count(*) AS hits, avg(score) AS mean_score
FROM contamination
GROUP BY ALL
ORDER BY benchmark, method
