-- completions (published): one row per ingested completion, with its rating mean and repaired score.
--
-- mean_rating = weighted mean of the aspect ratings, over the aspects in $aspects with the weights in
--   $weights (same order; an empty list means every aspect weighs 1). A rating that is N/A or did not
--   parse arrives from ingest as NULL and is skipped, so the mean is over the ratings that exist
--   (the Notus rule: average of int(Rating) skipping "N/A"); n_ratings counts the ratings used (weight > 0).
--   No usable rating -> mean_rating NULL, n_ratings 0. (The spec declares which aspects exist, that none is
--   listed twice, and that weights are numbers >= 0, one per aspect: a wrong --set is refused before the run.)
-- helpfulness .. truthfulness: the four ratings as given (INTEGER or NULL), whatever $aspects says.
-- fixed_overall_score / review_needed: the upstream fix of the 1 -> 10 parser defect (OpenBMB README,
--   2023-12-29), applied only when $repair is true, to completions with overall_score = 10:
--   mean_rating <= 2 -> 1; mean_rating > 4 -> 10; otherwise (or no ratings) NULL and review_needed,
--   because upstream re-asked GPT-4 there. Every other score is kept. With $repair false the column is a
--   copy of overall_score and review_needed is false, so downstream SQL can always rank by
--   fixed_overall_score (the `overall_score` binarization does).
-- verdict: the reviewers' decision applied to this completion (`verdict_effects`, from the verdicts source):
--   set_score             fixed_overall_score = the corrected score; review_needed = false
--   completion_ok         fixed_overall_score = overall_score (a flag on it was a false alarm); review_needed = false
--   completion_defective  kept here as described; binarization leaves it out
--   NULL                  no verdict applies
-- Covers every record in `prompts` (duplicates included): it describes the data, not one binarization.
WITH chosen_aspects AS (
    SELECT aspect, CAST(weight AS DOUBLE) AS weight
    FROM (
        SELECT
            unnest($aspects) AS aspect,
            unnest(CASE WHEN len($weights) = 0 THEN list_transform($aspects, lambda a: '1') ELSE
                   list_transform($weights, lambda w: CAST(w AS VARCHAR)) END) AS weight
    )
),
used AS (
    SELECT r.record_id, r.completion_index,
           sum(a.weight * r.rating) / nullif(sum(a.weight), 0) AS mean_rating,
           CAST(count(*) FILTER (WHERE a.weight > 0) AS INTEGER) AS n_ratings
    FROM ratings r JOIN chosen_aspects a ON r.aspect = a.aspect
    WHERE r.rating IS NOT NULL
    GROUP BY r.record_id, r.completion_index
),
wide AS (
    SELECT record_id, completion_index,
           CAST(max(rating) FILTER (WHERE aspect = 'helpfulness') AS INTEGER) AS helpfulness,
           CAST(max(rating) FILTER (WHERE aspect = 'honesty') AS INTEGER) AS honesty,
           CAST(max(rating) FILTER (WHERE aspect = 'instruction_following') AS INTEGER) AS instruction_following,
           CAST(max(rating) FILTER (WHERE aspect = 'truthfulness') AS INTEGER) AS truthfulness
    FROM ratings
    GROUP BY record_id, completion_index
),
joined AS (
    SELECT c.record_id, c.prompt_id, p.source, c.completion_index, c.model,
           CAST(c.overall_score AS DOUBLE) AS overall_score,
           CASE WHEN coalesce(u.n_ratings, 0) > 0 THEN u.mean_rating END AS mean_rating,
           coalesce(u.n_ratings, 0) AS n_ratings,
           w.helpfulness, w.honesty, w.instruction_following, w.truthfulness
    FROM responses c
    JOIN prompts p ON p.record_id = c.record_id
    LEFT JOIN used u ON u.record_id = c.record_id AND u.completion_index = c.completion_index
    LEFT JOIN wide w ON w.record_id = c.record_id AND w.completion_index = c.completion_index
),
reviewed AS (
    SELECT record_id, completion_index, action, score
    FROM verdict_effects
    WHERE action IN ('set_score', 'completion_ok', 'completion_defective')
)
SELECT j.record_id, j.prompt_id, j.source, CAST(j.completion_index AS INTEGER) AS completion_index, j.model,
       j.overall_score, j.mean_rating, j.n_ratings, j.helpfulness, j.honesty, j.instruction_following,
       j.truthfulness,
       CASE WHEN r.action = 'set_score' THEN r.score
            WHEN r.action = 'completion_ok' THEN j.overall_score
            WHEN NOT $repair OR j.overall_score IS DISTINCT FROM 10 THEN j.overall_score
            WHEN j.mean_rating <= 2 THEN 1.0
            WHEN j.mean_rating > 4 THEN 10.0
       END AS fixed_overall_score,
       $repair AND coalesce(j.overall_score = 10, false)
           AND NOT coalesce(j.mean_rating <= 2 OR j.mean_rating > 4, false)
           AND coalesce(r.action NOT IN ('set_score', 'completion_ok'), true) AS review_needed,
       r.action AS verdict
FROM joined j
LEFT JOIN reviewed r ON r.record_id = j.record_id AND r.completion_index = j.completion_index
ORDER BY j.record_id, j.completion_index
