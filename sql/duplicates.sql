-- duplicates: exact duplicate records (same record_hash: the record's whole canonical content) are kept
-- once. The first occurrence (lowest record_id) stays; each later one is removed before binarization with
-- reason 'duplicate' and the first record_id in `detail`, so a copied record cannot enter both splits or
-- count twice. Records that share a prompt but differ in content are NOT duplicates: both are binarized
-- (and, having one prompt_id, land in the same split).
SELECT record_id, prompt_id, 'duplicate' AS reason,
       'same content as record_id ' || CAST(first_id AS VARCHAR) AS detail
FROM (
    SELECT record_id, prompt_id, min(record_id) OVER (PARTITION BY record_hash) AS first_id
    FROM prompts
    WHERE record_hash IS NOT NULL
)
WHERE record_id <> first_id
ORDER BY record_id
