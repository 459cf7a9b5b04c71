-- How each rule's chosen completions fare on both measures, over the prompts both versions keep and over
-- those where the choices differ. One yardstick for both: this version's `completions` (mean_rating and
-- critique overall_score of the chosen completion), so a rule is judged by the other rule's measure too.
-- top_*_share: the chosen completion has the record's best value on that measure (ties included);
-- bottom_rating_share: it has the record's lowest rating mean while the record's means are not all equal.
WITH common AS (SELECT * FROM common_chosen),
yardstick AS (
    SELECT record_id, completion_index, mean_rating, overall_score,
           max(mean_rating) OVER w AS max_rating, min(mean_rating) OVER w AS min_rating,
           max(overall_score) OVER w AS max_score
    FROM completions
    WINDOW w AS (PARTITION BY record_id)
),
picks AS (
    SELECT 'this' AS rule, record_id, this_index AS chosen_index, this_index <> other_index AS differs FROM common
    UNION ALL
    SELECT 'other' AS rule, record_id, other_index AS chosen_index, this_index <> other_index AS differs FROM common
),
rated AS (
    SELECT p.rule, p.differs, y.*
    FROM picks p JOIN yardstick y ON y.record_id = p.record_id AND y.completion_index = p.chosen_index
)
SELECT CASE WHEN differs IS NULL THEN 'both kept' ELSE 'chosen differs' END AS prompts, rule,
       count(*) AS records,
       avg(mean_rating) AS mean_rating,
       avg(overall_score) AS mean_score,
       avg(CAST(mean_rating = max_rating AS INTEGER)) AS top_rating_share,
       avg(CAST(overall_score = max_score AS INTEGER)) AS top_score_share,
       avg(CAST(mean_rating = min_rating AND min_rating < max_rating AS INTEGER)) AS bottom_rating_share
FROM (
    SELECT rule, NULL AS differs, mean_rating, overall_score, max_rating, min_rating, max_score FROM rated
    UNION ALL
    SELECT rule, true AS differs, mean_rating, overall_score, max_rating, min_rating, max_score FROM rated WHERE differs
)
GROUP BY ALL
ORDER BY prompts, rule DESC
