-- Chosen-minus-rejected margins of the preference pairs: on the rating mean (bins $rating_bin wide) and on
-- the critique overall_score (bins $score_bin wide), each bin centred on a multiple of its width, so bin 0 holds
-- the ties. A rule that picks by one measure can still produce pairs with a zero or negative margin on the other.
SELECT 'rating' AS measure, round((chosen_rating - rejected_rating) / $rating_bin) * $rating_bin AS bin,
       count(*) AS pairs
FROM preferences
WHERE chosen_rating IS NOT NULL AND rejected_rating IS NOT NULL
GROUP BY ALL
UNION ALL
SELECT 'score' AS measure, round((chosen_score - rejected_score) / $score_bin) * $score_bin AS bin,
       count(*) AS pairs
FROM preferences
WHERE chosen_score IS NOT NULL AND rejected_score IS NOT NULL
GROUP BY ALL
ORDER BY measure, bin
