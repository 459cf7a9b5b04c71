-- excluded: the records removed BEFORE binarization, one row per record_id, with (record_id, prompt_id,
-- reason, detail). Binarization reads `prompts` anti-joined with this table, and `dropped` includes it.
--   reviewed    a reviewer's drop_record verdict (`verdict_effects`); detail: the note, and who decided
--   duplicate   an exact duplicate of an earlier record (`duplicates`)
-- A record that is both is `reviewed`: the person's decision is the reason a user needs to see.
--
-- EXTENSION POINT: a pipeline that removes more records before binarization (e.g. notus-cleaned's
-- contamination) `extends: notus.yaml` and overrides this ONE step by name with its own SQL file, e.g.
--     steps:
--       - name: excluded
--         sql: sql/excluded_cleaned.sql
-- That file must keep these four columns and AT MOST ONE ROW PER record_id (pick one reason when a record
-- is both a duplicate and contaminated): the accounting audit fails otherwise.
WITH reviewed AS (
    SELECT record_id, any_value(prompt_id) AS prompt_id, 'reviewed' AS reason,
           any_value(CASE WHEN coalesce(note, '') = '' THEN 'dropped by ' || author
                          ELSE note || ' (' || author || ')' END) AS detail
    FROM verdict_effects
    WHERE action = 'drop_record'
    GROUP BY record_id
)
SELECT record_id, prompt_id, reason, detail FROM reviewed
UNION ALL
SELECT d.record_id, d.prompt_id, d.reason, d.detail
FROM duplicates d
WHERE NOT EXISTS (SELECT 1 FROM reviewed r WHERE r.record_id = d.record_id)
ORDER BY record_id
