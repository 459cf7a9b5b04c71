-- mismatches (published): completions whose critique overall_score is at the top (>= $defect_score_min,
-- default 9 of 10) while something else says the response is bad. One row per completion and reason:
--   'score_defect'      the rating mean is low: mean_rating <= $defect_mean_max (default 2). This is the
--                       signature of the upstream parser defect that turned critique score 1 into 10.
--                       evidence: the mean and how many ratings it rests on.
--   'negative_critique' the critique TEXT is clearly negative: negativity >= $negative_critique_threshold
--                       (default 2), where negativity is scored by src/notus/ultrafeedback/critique.py
--                       (fault phrases minus virtue phrases of a published lexicon, negations such as
--                       "no errors" / "not incorrect" neutralised; see that module's header). It reads only
--                       the text, so it works when the ratings are missing, N/A, or disagree.
--                       evidence: the fault phrases that fired.
-- critique: the critique text itself, so a curator can judge the flag (only flagged rows carry it).
-- A completion that matches both reasons has two rows. The raw overall_score is tested (not the repaired
-- one): these are the rows the repair is about.
WITH top AS (
    SELECT record_id, prompt_id, completion_index, overall_score, mean_rating, n_ratings
    FROM completions
    WHERE overall_score >= $defect_score_min
)
SELECT m.record_id, m.prompt_id, m.completion_index, m.overall_score, m.mean_rating, m.reason, m.evidence,
       r.critique
FROM (
    SELECT record_id, prompt_id, completion_index, overall_score, mean_rating, 'score_defect' AS reason,
           printf('mean_rating %.2f over %d rating(s)', mean_rating, n_ratings) AS evidence
    FROM top
    WHERE mean_rating <= $defect_mean_max
    UNION ALL
    SELECT t.record_id, t.prompt_id, t.completion_index, t.overall_score, t.mean_rating,
           'negative_critique' AS reason, n.evidence
    FROM top t
    JOIN critique_negativity n ON n.record_id = t.record_id AND n.completion_index = t.completion_index
    WHERE n.negativity >= $negative_critique_threshold
) m
JOIN responses r ON r.record_id = m.record_id AND r.completion_index = m.completion_index
ORDER BY m.record_id, m.completion_index, m.reason
