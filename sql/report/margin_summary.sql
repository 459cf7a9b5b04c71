-- Margins of the preference pairs per split: mean, and how many pairs are ties or reversed on each measure
-- (reversed: the rejected completion scores higher than the chosen one on that measure).
SELECT coalesce(split, 'all') AS split,
       count(*) AS pairs,
       avg(chosen_rating - rejected_rating) AS mean_rating_margin,
       avg(CAST(chosen_rating = rejected_rating AS INTEGER)) AS rating_tie_share,
       avg(CAST(chosen_rating < rejected_rating AS INTEGER)) AS rating_reversed_share,
       avg(chosen_score - rejected_score) AS mean_score_margin,
       avg(CAST(chosen_score = rejected_score AS INTEGER)) AS score_tie_share,
       avg(CAST(chosen_score < rejected_score AS INTEGER)) AS score_reversed_share
FROM preferences
GROUP BY ROLLUP (split)
ORDER BY grouping(split), split
