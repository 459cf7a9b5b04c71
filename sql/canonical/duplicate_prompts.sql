-- duplicates (one pair per prompt: h4-recurated): a record is removed before binarization when an earlier
-- record (lower record_id) has
--   the same content (record_hash: conversation, answers, scores)  -> 'duplicate', as sql/duplicates.sql;
--   the same prompt (prompt_id: the same conversation) but other answers -> 'duplicate_prompt'.
-- detail names the earlier record kept. A set built as one pair per prompt (HuggingFaceH4/
-- ultrafeedback_binarized) that holds a prompt twice got it twice from its source; keeping the first keeps
-- the prompt from counting twice in training and from reaching both splits with different pairs.
WITH firsts AS (
    SELECT record_id, prompt_id,
           min(record_id) OVER (PARTITION BY record_hash) AS first_same_content,
           min(record_id) OVER (PARTITION BY prompt_id) AS first_same_prompt
    FROM prompts
)
SELECT record_id, prompt_id,
       CASE WHEN record_id <> first_same_content THEN 'duplicate' ELSE 'duplicate_prompt' END AS reason,
       CASE WHEN record_id <> first_same_content
            THEN 'same content as record_id ' || CAST(first_same_content AS VARCHAR)
            ELSE 'same prompt as record_id ' || CAST(first_same_prompt AS VARCHAR) END AS detail
FROM firsts
WHERE record_id <> first_same_content OR record_id <> first_same_prompt
ORDER BY record_id
