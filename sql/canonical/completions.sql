-- completions (published, any dataset but UltraFeedback, which has its own with the repair rule): one row
-- per response of the canonical tables, with every value binarization may rank by.
--
-- mean_rating = weighted mean of the `ratings` over the aspects in $aspects with the weights in $weights
--   (same order; an empty weight list means every aspect weighs 1; an empty aspect list means every aspect
--   the data has, weighing 1): sum(weight * rating) / sum(|weight|). With weights >= 0 that is the weighted
--   mean; a negative weight (HelpSteer2's verbosity, say) lowers the value as the rating rises. Ratings are
--   on the dataset's own scale (ratings.scale_min..scale_max, e.g. 0..4 for HelpSteer2). A NULL rating is
--   skipped; n_ratings counts the ratings used (weight <> 0); none -> mean_rating NULL.
-- overall_score: the dataset's own single score for the response (H4's score_chosen/score_rejected,
--   Argilla's chosen-rating, ...), NULL when it has none. fixed_overall_score is a copy (there is no
--   repair rule outside UltraFeedback; the column is what binarization's overall_score strategy and the
--   reviewers' set_score verdicts work on), review_needed is false.
-- rank: the dataset's own rank (1 = best; pairwise data: chosen 1, rejected 2), NULL when unranked.
-- aspect_ratings: every rating of the response, [{aspect, rating}] in aspect order.
-- verdict: the reviewers' decision applied to this completion (`verdict_effects`), as for UltraFeedback:
--   set_score             fixed_overall_score = the corrected score
--   completion_ok         fixed_overall_score = overall_score
--   completion_defective  kept here as described; binarization leaves it out
--   NULL                  no verdict applies
WITH wanted AS (
    SELECT aspect, CAST(weight AS DOUBLE) AS weight
    FROM (
        SELECT
            unnest($aspects) AS aspect,
            unnest(CASE WHEN len($weights) = 0 THEN list_transform($aspects, lambda a: '1') ELSE
                   list_transform($weights, lambda w: CAST(w AS VARCHAR)) END) AS weight
    )
),
chosen_aspects AS (
    SELECT aspect, weight FROM wanted
    UNION ALL
    SELECT DISTINCT aspect, 1.0 FROM ratings WHERE len($aspects) = 0
),
used AS (
    SELECT r.record_id, r.completion_index,
           sum(a.weight * r.rating) / nullif(sum(abs(a.weight)), 0) AS mean_rating,
           CAST(count(*) FILTER (WHERE a.weight <> 0) AS INTEGER) AS n_ratings
    FROM ratings r JOIN chosen_aspects a ON r.aspect = a.aspect
    WHERE r.rating IS NOT NULL
    GROUP BY r.record_id, r.completion_index
),
listed AS (
    SELECT record_id, completion_index, list({'aspect': aspect, 'rating': rating} ORDER BY aspect) AS aspect_ratings
    FROM ratings
    GROUP BY record_id, completion_index
),
reviewed AS (
    SELECT record_id, completion_index, action, score
    FROM verdict_effects
    WHERE action IN ('set_score', 'completion_ok', 'completion_defective')
)
SELECT c.record_id, c.prompt_id, p.source, CAST(c.completion_index AS INTEGER) AS completion_index, c.model,
       CAST(c.overall_score AS DOUBLE) AS overall_score,
       CASE WHEN coalesce(u.n_ratings, 0) > 0 THEN u.mean_rating END AS mean_rating,
       coalesce(u.n_ratings, 0) AS n_ratings, k.rank, l.aspect_ratings,
       CASE WHEN v.action = 'set_score' THEN v.score ELSE CAST(c.overall_score AS DOUBLE) END AS fixed_overall_score,
       false AS review_needed, v.action AS verdict
FROM responses c
JOIN prompts p ON p.record_id = c.record_id
LEFT JOIN reviewed v ON v.record_id = c.record_id AND v.completion_index = c.completion_index
LEFT JOIN used u ON u.record_id = c.record_id AND u.completion_index = c.completion_index
LEFT JOIN ranks k ON k.record_id = c.record_id AND k.completion_index = c.completion_index
LEFT JOIN listed l ON l.record_id = c.record_id AND l.completion_index = c.completion_index
ORDER BY c.record_id, c.completion_index
