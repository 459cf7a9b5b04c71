-- dropped (published): every input record that did not become a preference row, once, with its reason:
--   invalid:<what>        ingest could not read the record (ingest's `invalid`)
--   duplicate, ...        removed before binarization (`excluded`: duplicates, and in notus-cleaned the
--                         contaminated records)
--   too_few_completions, tie, below_margin   binarization found no pair (`binarized`)
-- With `preferences` it accounts for every record; sql/audit_accounting.sql checks that.
SELECT CAST(record_id AS BIGINT) AS record_id, CAST(prompt_id AS VARCHAR) AS prompt_id,
       CAST(reason AS VARCHAR) AS reason, CAST(detail AS VARCHAR) AS detail
FROM (
    SELECT record_id, prompt_id, reason, detail FROM invalid
    UNION ALL
    SELECT record_id, prompt_id, reason, detail FROM excluded
    UNION ALL
    SELECT record_id, prompt_id, reason, detail FROM binarized WHERE reason IS NOT NULL
)
ORDER BY record_id, reason
