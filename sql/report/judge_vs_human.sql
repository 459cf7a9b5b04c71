-- Where a person and an LLM judge both scored a completion (set_score, each one's last word): the two scores,
-- one row per (judge, person, completion). Only lines that judged this input count: stale, not_in_input,
-- invalid and retracted lines are left out.
WITH human AS (
    SELECT author, prompt_id, completion_index, score
    FROM verdicts
    WHERE author LIKE 'human:%' AND action = 'set_score'
      AND status IN ('applied', 'superseded', 'conflicting', 'no_effect')
    QUALIFY row_number() OVER (PARTITION BY author, prompt_id, completion_index
                               ORDER BY created_at DESC, file DESC, line DESC) = 1
)
SELECT j.model, h.author AS person, j.prompt_id, j.completion_index, j.rating AS judge_score, h.score AS human_score
FROM judge_ratings j JOIN human h ON h.prompt_id = j.prompt_id AND h.completion_index = j.completion_index
WHERE j.rating IS NOT NULL
ORDER BY j.model, h.author, j.prompt_id, j.completion_index
