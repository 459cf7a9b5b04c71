-- Each author's last word on each key (a record, or a completion), as a label for agreement: the action,
-- with the score for set_score and the pair for set_pair. Stale, invalid, retracted and judge_failed lines
-- and retracts say nothing about the data and are left out. One row per (author, key).
SELECT author, prompt_id, completion_index,
       CASE action WHEN 'set_score' THEN 'set_score:' || CAST(round(score) AS INTEGER)
                   WHEN 'set_pair' THEN 'set_pair:' || chosen_index || '>' || rejected_index
                   ELSE action END AS label
FROM verdicts
WHERE status IN ('applied', 'superseded', 'conflicting') AND action NOT IN ('retract', 'judge_failed')
QUALIFY row_number() OVER (PARTITION BY author, prompt_id, completion_index ORDER BY created_at DESC, file DESC,
                                        line DESC) = 1
