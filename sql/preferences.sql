-- preferences (published): one row per chosen/rejected pair from `binarized`, in TRL's conversational
-- format: chosen and rejected are the record's conversation (every turn before the answer, ending with
-- the last user turn: [{role: user, content: prompt}] for single-turn data) followed by
-- {role: assistant, content: response}. They share everything but their last message, so TRL's
-- extract_prompt finds the whole history as the prompt. `prompt` is the last user turn's text.
-- chosen_rating / rejected_rating: mean_rating of the two completions (see completions.sql).
-- chosen_score / rejected_score: the score the run ranked by, fixed_overall_score (UltraFeedback: the
--   critique score, equal to overall_score unless repair=true; other data: the dataset's own score).
-- One file for every dataset: it reads only the canonical tables (prompts, responses) and `completions`.
--
-- SPLIT, by prompt, deterministic: the kept prompt_ids are ordered by sha256('split:<seed>:<prompt_id>')
-- and the first k are 'test', the rest 'train' (every row of a prompt, duplicate prompts included, lands
-- in the same split). k from $test_size:
--   0 < test_size < 1   a fraction: k = ceil(test_size * kept prompts) (as datasets' train_test_split);
--   test_size >= 1      a count of prompts (whole number), capped at half the kept prompts so that a
--                       small sample still has a train split (default 2000, as Zephyr and Notus);
--   test_size = 0       no test split.
-- (The spec declares these three forms; any other value is refused before the run starts.)
-- For every strategy but all_pairs, prompts = rows unless a prompt occurs in several records.
WITH pairs AS (
    SELECT record_id, prompt_id, chosen_index, rejected_index FROM binarized WHERE reason IS NULL
),
kept AS (
    SELECT DISTINCT prompt_id FROM pairs
),
test_count AS (
    SELECT CASE
               WHEN $test_size = 0 THEN 0
               WHEN $test_size < 1 THEN CAST(ceil($test_size * count(*)) AS BIGINT)
               ELSE least(CAST($test_size AS BIGINT), count(*) // 2)
           END AS k
    FROM kept
),
splits AS (
    SELECT prompt_id, CASE WHEN place <= k THEN 'test' ELSE 'train' END AS split
    FROM (
        SELECT prompt_id,
               row_number() OVER (ORDER BY sha256('split:' || CAST($seed AS VARCHAR) || ':' || prompt_id), prompt_id)
                   AS place
        FROM kept
    )
    CROSS JOIN test_count
)
SELECT b.record_id, b.prompt_id, p.source, p.prompt,
       list_concat(p.conversation, [{'role': 'assistant', 'content': rc.response}]) AS chosen,
       list_concat(p.conversation, [{'role': 'assistant', 'content': rr.response}]) AS rejected,
       cc.mean_rating AS chosen_rating, cr.mean_rating AS rejected_rating,
       cc.fixed_overall_score AS chosen_score, cr.fixed_overall_score AS rejected_score,
       cc.model AS chosen_model, cr.model AS rejected_model,
       b.chosen_index, b.rejected_index, s.split
FROM pairs b
JOIN prompts p ON p.record_id = b.record_id
JOIN completions cc ON cc.record_id = b.record_id AND cc.completion_index = b.chosen_index
JOIN completions cr ON cr.record_id = b.record_id AND cr.completion_index = b.rejected_index
JOIN responses rc ON rc.record_id = b.record_id AND rc.completion_index = b.chosen_index
JOIN responses rr ON rr.record_id = b.record_id AND rr.completion_index = b.rejected_index
JOIN splits s ON s.prompt_id = b.prompt_id
ORDER BY b.record_id, b.chosen_index, b.rejected_index
