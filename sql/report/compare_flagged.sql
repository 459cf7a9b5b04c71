-- How many of each rule's chosen completions this version's mismatch detector flags, per reason, over the
-- prompts both versions keep: a rule that trusts a defective critique score picks flagged completions.
WITH this_chosen AS (
    SELECT record_id, first(chosen_index ORDER BY chosen_rating DESC NULLS LAST, chosen_index) AS chosen_index
    FROM preferences GROUP BY record_id
),
other_chosen AS (
    SELECT record_id, first(chosen_index ORDER BY chosen_rating DESC NULLS LAST, chosen_index) AS chosen_index
    FROM other_preferences GROUP BY record_id
),
common AS (
    SELECT t.record_id, t.chosen_index AS this_index, o.chosen_index AS other_index
    FROM this_chosen t JOIN other_chosen o ON o.record_id = t.record_id
),
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
