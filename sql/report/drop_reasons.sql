-- Why records did not become preference pairs: records per reason, as a share of all input records
-- (every input record is in `preferences` or in `dropped`), with one detail line as an example.
WITH inputs AS (
    SELECT count(*) AS n FROM (SELECT record_id FROM preferences UNION SELECT record_id FROM dropped)
)
SELECT reason,
       count(*) AS records,
       count(*) / any_value(inputs.n) AS input_share,
       min(detail) AS example_detail
FROM dropped, inputs
GROUP BY reason
ORDER BY records DESC, reason
