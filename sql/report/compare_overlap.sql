-- Two versions built on the same input, joined on record_id: how many prompts each keeps, and among the
-- prompts both keep, how often the chosen completion differs (the Notus card reports ~50 % between its
-- mean-rating rule and Zephyr's overall_score rule on the real data). Per source and in all.
-- A version with several pairs per prompt (all_pairs) is represented by its best-rated chosen completion.
WITH this_chosen AS (
    SELECT record_id, any_value(source) AS source,
           first(chosen_index ORDER BY chosen_rating DESC NULLS LAST, chosen_index) AS chosen_index
    FROM preferences GROUP BY record_id
),
other_chosen AS (
    SELECT record_id, any_value(source) AS source,
           first(chosen_index ORDER BY chosen_rating DESC NULLS LAST, chosen_index) AS chosen_index
    FROM other_preferences GROUP BY record_id
),
joined AS (
    SELECT coalesce(t.source, o.source) AS source, t.chosen_index AS this_index, o.chosen_index AS other_index
    FROM this_chosen t FULL JOIN other_chosen o ON o.record_id = t.record_id
)
SELECT coalesce(source, 'all') AS source,
       count(*) FILTER (WHERE this_index IS NOT NULL AND other_index IS NOT NULL) AS both_kept,
       count(*) FILTER (WHERE other_index IS NULL) AS only_this,
       count(*) FILTER (WHERE this_index IS NULL) AS only_other,
       count(*) FILTER (WHERE this_index <> other_index) AS chosen_differs,
       count(*) FILTER (WHERE this_index <> other_index)
           / nullif(count(*) FILTER (WHERE this_index IS NOT NULL AND other_index IS NOT NULL), 0) AS differs_share
FROM joined
GROUP BY ROLLUP (source)
ORDER BY grouping(source), source
