-- Up to $per_group flagged completions per (reason, source), for a curator to judge the detector: the
-- critique text beside its score and the four aspect ratings. Rows are picked by a hash of the completion's
-- key, so the pick is stable and spread over the data rather than the first records of the file.
-- `critiques` is empty when the version publishes no critique text.
WITH picked AS (
    SELECT m.reason, c.source, m.record_id, m.completion_index, c.model, m.overall_score, m.mean_rating,
           c.helpfulness, c.honesty, c.instruction_following, c.truthfulness, m.evidence,
           row_number() OVER (PARTITION BY m.reason, c.source
                              ORDER BY md5(CAST(m.record_id AS VARCHAR) || ':' || CAST(m.completion_index AS VARCHAR)))
               AS pick
    FROM mismatches m
    JOIN completions c ON c.record_id = m.record_id AND c.completion_index = m.completion_index
)
SELECT p.reason, p.source, p.record_id, p.completion_index, p.model, k.critique, p.overall_score, p.mean_rating,
       p.helpfulness, p.honesty, p.instruction_following, p.truthfulness, p.evidence
FROM picked p
LEFT JOIN critiques k ON k.record_id = p.record_id AND k.completion_index = p.completion_index
WHERE p.pick <= $per_group
ORDER BY p.reason, p.source, p.pick
