-- Flagged completions per source and reason, and the share of that source's completions they are.
-- A completion flagged for two reasons counts once under each reason.
WITH per_source AS (
    SELECT source, count(*) AS completions FROM completions GROUP BY source
),
flagged AS (
    SELECT c.source, m.reason, count(*) AS flagged
    FROM mismatches m
    JOIN completions c ON c.record_id = m.record_id AND c.completion_index = m.completion_index
    GROUP BY ALL
)
SELECT f.source, f.reason, f.flagged, f.flagged / p.completions AS completion_share
FROM flagged f JOIN per_source p USING (source)
ORDER BY f.reason, f.source
