-- Contamination hits per benchmark and method: distinct records flagged, hit rows (a record can match
-- several items), and the mean match score. method: source (the record's source is the benchmark itself),
-- exact (normalised prompt equals a benchmark item), ngram (shares word n-grams / contains a short item).
-- The row 'any method' counts each record once per benchmark, however many methods caught it.
SELECT benchmark, coalesce(method, 'any method') AS method,
       count(DISTINCT record_id) AS records, count(*) AS hits, avg(score) AS mean_score
FROM contamination
GROUP BY GROUPING SETS ((benchmark, method), (benchmark))
ORDER BY benchmark, grouping(method), method
