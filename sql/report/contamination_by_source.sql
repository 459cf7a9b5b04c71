-- Contaminated records per UltraFeedback source and benchmark (any method): where the overlap comes from.
SELECT coalesce(s.source, '(unknown: no completions)') AS source, c.benchmark, count(DISTINCT c.record_id) AS records
FROM contamination c
LEFT JOIN (SELECT record_id, any_value(source) AS source FROM completions GROUP BY record_id) s
       ON s.record_id = c.record_id
GROUP BY ALL
ORDER BY records DESC, source, benchmark
