-- The view every comparison query starts from: per record both versions keep, the completion each rule
-- chose (this_index: this version, other_index: the compared one). all_pairs can give a record several
-- pairs; its chosen is the best-rated chosen, then the lowest index, so one row per record.
WITH this_chosen AS (
    SELECT record_id, first(chosen_index ORDER BY chosen_rating DESC NULLS LAST, chosen_index) AS chosen_index
    FROM preferences GROUP BY record_id
),
other_chosen AS (
    SELECT record_id, first(chosen_index ORDER BY chosen_rating DESC NULLS LAST, chosen_index) AS chosen_index
    FROM other_preferences GROUP BY record_id
)
SELECT t.record_id, t.chosen_index AS this_index, o.chosen_index AS other_index
FROM this_chosen t JOIN other_chosen o ON o.record_id = t.record_id
