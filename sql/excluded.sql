-- excluded: the records removed BEFORE binarization, one row per record_id, with (record_id, prompt_id,
-- reason, detail). Binarization reads `prompts` anti-joined with this table, and `dropped` includes it.
--
-- EXTENSION POINT: a pipeline that removes more records before binarization (e.g. notus-cleaned's
-- contamination) `extends: notus.yaml` and overrides this ONE step by name with its own SQL file, e.g.
--     steps:
--       - name: excluded
--         sql: sql/excluded_cleaned.sql
-- That file must keep these four columns and AT MOST ONE ROW PER record_id (pick one reason when a record
-- is both a duplicate and contaminated): the accounting audit fails otherwise.
SELECT record_id, prompt_id, reason, detail
FROM duplicates
ORDER BY record_id
