-- Up to $per_group hits per (benchmark, method), picked by a hash of the record id so the pick is stable:
-- the prompt (when the version publishes its text), the evidence (matched n-gram or benchmark item) and score.
WITH picked AS (
    SELECT benchmark, method, record_id, evidence, score,
           row_number() OVER (PARTITION BY benchmark, method
                              ORDER BY md5(CAST(record_id AS VARCHAR) || ':' || coalesce(evidence, ''))) AS pick
    FROM contamination
)
SELECT p.benchmark, p.method, p.record_id, s.source, t.prompt, p.evidence, p.score
FROM picked p
LEFT JOIN prompt_texts t ON t.record_id = p.record_id
LEFT JOIN (SELECT record_id, any_value(source) AS source FROM completions GROUP BY record_id) s
       ON s.record_id = p.record_id
WHERE p.pick <= $per_group
ORDER BY p.benchmark, p.method, p.pick
