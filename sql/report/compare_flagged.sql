-- How many of each rule's chosen completions this version's mismatch detector flags, per reason, over the
-- prompts both versions keep: a rule that trusts a defective critique score picks flagged completions.
WITH common AS (SELECT * FROM common_chosen),
picks AS (
    SELECT 'this' AS rule, record_id, this_index AS chosen_index FROM common
    UNION ALL
    SELECT 'other' AS rule, record_id, other_index AS chosen_index FROM common
),
reasons AS (SELECT DISTINCT reason FROM mismatches)
SELECT r.reason, p.rule,
       count(m.record_id) AS flagged_chosen,
       count(m.record_id) / count(*) AS chosen_share
FROM picks p
CROSS JOIN reasons r
LEFT JOIN mismatches m
       ON m.record_id = p.record_id AND m.completion_index = p.chosen_index AND m.reason = r.reason
GROUP BY ALL
ORDER BY r.reason, p.rule DESC
