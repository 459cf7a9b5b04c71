-- audit_accounting: must return zero rows. Every input record (a record_id of `prompts` or of ingest's
-- `invalid`) is accounted for exactly once: in `preferences` (one row; several allowed only for
-- strategy all_pairs) or in `dropped` (exactly one row), never in both, and nothing else appears there.
-- One row per violation: (record_id, problem).
WITH inputs AS (
    SELECT record_id, count(*) AS n
    FROM (SELECT record_id FROM prompts UNION ALL SELECT record_id FROM invalid)
    GROUP BY record_id
),
kept AS (
    SELECT record_id, count(*) AS n FROM preferences GROUP BY record_id
),
gone AS (
    SELECT record_id, count(*) AS n FROM dropped GROUP BY record_id
)
SELECT record_id, problem
FROM (
    SELECT i.record_id, 'missing: in neither preferences nor dropped' AS problem
    FROM inputs i
    WHERE NOT EXISTS (SELECT 1 FROM kept k WHERE k.record_id = i.record_id)
      AND NOT EXISTS (SELECT 1 FROM gone g WHERE g.record_id = i.record_id)
    UNION ALL
    SELECT record_id, 'in both preferences and dropped' FROM kept JOIN gone USING (record_id)
    UNION ALL
    SELECT record_id, printf('in dropped %d times', n) FROM gone WHERE n > 1
    UNION ALL
    SELECT record_id, printf('%d preference rows (one expected unless strategy is all_pairs)', n)
    FROM kept WHERE n > 1 AND $strategy <> 'all_pairs'
    UNION ALL
    SELECT record_id, 'not an input record' FROM (SELECT record_id FROM kept UNION SELECT record_id FROM gone) o
    WHERE NOT EXISTS (SELECT 1 FROM inputs i WHERE i.record_id = o.record_id)
    UNION ALL
    SELECT record_id, printf('listed %d times among prompts and invalid', n) FROM inputs WHERE n > 1
)
ORDER BY record_id, problem
