-- audit_rows (rated data, where one record is a prompt's run of input rows): must return zero rows. Every
-- input row is in exactly one place: a response of a valid record (`responses.row_id`, its 0-based ordinal
-- in the input) or a quarantined row (`invalid.record_id`); the ordinals run 0..n-1 without a gap; and a
-- record's id is the ordinal of its first row. With sql/audit_accounting.sql (every record in preferences
-- or dropped) it accounts for every input row.
WITH rows AS (
    SELECT row_id AS id FROM responses
    UNION ALL
    SELECT record_id FROM invalid
),
counted AS (
    SELECT id, count(*) AS n FROM rows GROUP BY id
),
span AS (
    SELECT count(*) AS n, coalesce(max(id), -1) AS top FROM counted
),
firsts AS (
    SELECT record_id, min(row_id) AS first_row FROM responses GROUP BY record_id
)
SELECT id AS record_id, printf('input row %d is listed %d times among responses and invalid', id, n) AS problem
FROM counted WHERE n > 1
UNION ALL
SELECT NULL, printf('%d input rows are missing: ordinals run to %d but only %d are listed', top + 1 - n, top, n)
FROM span WHERE n <> top + 1
UNION ALL
SELECT f.record_id, printf('record %d starts at input row %d', f.record_id, f.first_row)
FROM firsts f WHERE f.record_id <> f.first_row
UNION ALL
SELECT f.record_id, 'record has responses but is not in prompts'
FROM firsts f WHERE NOT EXISTS (SELECT 1 FROM prompts p WHERE p.record_id = f.record_id)
ORDER BY 1, 2
