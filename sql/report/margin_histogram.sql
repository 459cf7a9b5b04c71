-- Chosen-minus-rejected margins of the preference pairs: on the rating mean (bins $rating_bin wide) and on
-- the critique overall_score (bins $score_bin wide). Bin 0 holds the exact ties and nothing else; any other
-- margin goes to the nearest non-zero multiple of the bin width (so 0.08, a mean of three ratings against
-- a mean of four, is shown as the smallest win, not as a tie). A rule that picks by one measure can still
-- produce pairs with a zero or negative margin on the other.
WITH margins AS (
    SELECT 'rating' AS measure, chosen_rating - rejected_rating AS margin, $rating_bin AS width FROM preferences
    UNION ALL
    SELECT 'score' AS measure, chosen_score - rejected_score AS margin, $score_bin AS width FROM preferences
)
SELECT measure,
       CASE WHEN margin = 0 THEN 0.0
            ELSE sign(margin) * greatest(round(abs(margin) / width), 1) * width END AS bin,
       count(*) AS pairs
FROM margins
WHERE margin IS NOT NULL
GROUP BY ALL
ORDER BY measure, bin
