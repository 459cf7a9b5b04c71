-- Distribution of each rule's chosen completions on both measures (this version's `completions` as the
-- yardstick), over the prompts both versions keep: rating mean rounded to the nearest
-- multiple of $rating_bin, overall_score to the nearest integer.
WITH picks AS (
    SELECT 'this' AS rule, record_id, this_index AS chosen_index FROM common_chosen
    UNION ALL
    SELECT 'other' AS rule, record_id, other_index AS chosen_index FROM common_chosen
),
rated AS (
    SELECT p.rule, c.mean_rating, c.overall_score
    FROM picks p JOIN completions c ON c.record_id = p.record_id AND c.completion_index = p.chosen_index
)
SELECT rule, 'rating' AS measure, round(mean_rating / $rating_bin) * $rating_bin AS bin, count(*) AS records
FROM rated WHERE mean_rating IS NOT NULL GROUP BY ALL
UNION ALL
SELECT rule, 'score' AS measure, round(overall_score) AS bin, count(*) AS records
FROM rated WHERE overall_score IS NOT NULL GROUP BY ALL
ORDER BY rule DESC, measure, bin
