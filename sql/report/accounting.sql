-- Where every input record went: preference pairs (and the records they come from, per split) and drops.
-- Every input record is in `preferences` or in `dropped` (the accounting audit of every pipeline).
WITH kept AS (
    SELECT count(*) AS pairs, count(DISTINCT record_id) AS records,
           count(*) FILTER (WHERE split = 'train') AS train_pairs,
           count(*) FILTER (WHERE split = 'test') AS test_pairs
    FROM preferences
),
gone AS (SELECT count(*) AS records FROM dropped),
inputs AS (SELECT count(*) AS records FROM (SELECT record_id FROM preferences UNION SELECT record_id FROM dropped))
SELECT inputs.records AS input_records, kept.records AS kept_records, kept.pairs, kept.train_pairs,
       kept.test_pairs, gone.records AS dropped_records, kept.records / inputs.records AS kept_share
FROM kept, gone, inputs
