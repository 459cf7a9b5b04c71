-- The view every judge query starts from: each LLM judge's last word on each completion it was asked
-- about (its latest set_score if it ever rated the completion, else its latest judge_failed), next to what
-- the data says about that completion: the original critique overall_score and the rating mean.
-- Only lines that judged this input count (applied, superseded, conflicting, a failed answer):
-- stale, not_in_input, invalid and retracted (withdrawn) lines are left out. A completion
-- that appears in several records (a repeated prompt) is described by its first record. One row per (judge,
-- completion).
WITH last AS (
    SELECT author, coalesce(judge_model, substr(author, 7)) AS model, prompt_id, completion_index, action,
           CASE WHEN action = 'set_score' THEN score END AS rating
    FROM verdicts
    WHERE author LIKE 'judge:%' AND action IN ('set_score', 'judge_failed')
      AND status IN ('applied', 'superseded', 'conflicting', 'no_effect')
    QUALIFY row_number() OVER (PARTITION BY author, prompt_id, completion_index
                               ORDER BY action = 'set_score' DESC, created_at DESC, file DESC, line DESC) = 1
),
described AS (
    SELECT DISTINCT ON (prompt_id, completion_index) prompt_id, completion_index, source, overall_score, mean_rating
    FROM completions
    ORDER BY prompt_id, completion_index, record_id
)
SELECT l.author, l.model, l.prompt_id, l.completion_index, l.action, l.rating, d.source, d.overall_score,
       d.mean_rating
FROM last l LEFT JOIN described d ON d.prompt_id = l.prompt_id AND d.completion_index = l.completion_index
