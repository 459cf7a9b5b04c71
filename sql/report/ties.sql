-- Ties per source, from every record with at least two completions: a tie at the top (two or more
-- completions share the best value) and a full tie (every completion has the same value), by rating mean
-- (the Notus rule drops full ties) and by critique overall_score (the Zephyr rule keeps them, taking the
-- first maximum). Completions without a value are left out of that measure.
WITH per_record AS (
    SELECT record_id, any_value(source) AS source,
           count(*) AS n_completions,
           count(mean_rating) AS n_rated,
           count(*) FILTER (WHERE mean_rating = max_rating) AS at_top_rating,
           count(DISTINCT mean_rating) AS distinct_ratings,
           count(overall_score) AS n_scored,
           count(*) FILTER (WHERE overall_score = max_score) AS at_top_score,
           count(DISTINCT overall_score) AS distinct_scores
    FROM (
        SELECT record_id, source, mean_rating, overall_score,
               max(mean_rating) OVER (PARTITION BY record_id) AS max_rating,
               max(overall_score) OVER (PARTITION BY record_id) AS max_score
        FROM completions
    )
    GROUP BY record_id
)
SELECT coalesce(source, 'all') AS source,
       count(*) AS records,
       avg(CAST(at_top_rating >= 2 AS INTEGER)) FILTER (WHERE n_rated >= 2) AS top_tie_rating_share,
       avg(CAST(distinct_ratings = 1 AS INTEGER)) FILTER (WHERE n_rated >= 2) AS full_tie_rating_share,
       avg(CAST(at_top_score >= 2 AS INTEGER)) FILTER (WHERE n_scored >= 2) AS top_tie_score_share,
       avg(CAST(distinct_scores = 1 AS INTEGER)) FILTER (WHERE n_scored >= 2) AS full_tie_score_share
FROM per_record
WHERE n_completions >= 2
GROUP BY ROLLUP (source)
ORDER BY grouping(source), source
