-- Chosen-index confusion table over the prompts both versions keep: which completion (0-based position in
-- the record) each rule chose. The diagonal is agreement.
WITH this_chosen AS (
    SELECT record_id, first(chosen_index ORDER BY chosen_rating DESC NULLS LAST, chosen_index) AS chosen_index
    FROM preferences GROUP BY record_id
),
other_chosen AS (
    SELECT record_id, first(chosen_index ORDER BY chosen_rating DESC NULLS LAST, chosen_index) AS chosen_index
    FROM other_preferences GROUP BY record_id
)
SELECT t.chosen_index AS this_index, o.chosen_index AS other_index, count(*) AS records
FROM this_chosen t JOIN other_chosen o ON o.record_id = t.record_id
GROUP BY ALL
ORDER BY this_index, other_index
