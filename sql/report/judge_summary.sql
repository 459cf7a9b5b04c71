-- Per judge model: completions asked about, rated (set_score) and failed (judge_failed: no usable answer),
-- the judge's mean rating next to the same completions' original critique score and rating mean, and the
-- share rated low (<= 3: the judge agrees the critique's top score was wrong) and high (>= 8).
SELECT model, count(*) AS completions, count(rating) AS rated, count(*) - count(rating) AS failed,
       avg(rating) AS mean_judge_rating, avg(overall_score) FILTER (WHERE rating IS NOT NULL) AS mean_critique_score,
       avg(mean_rating) FILTER (WHERE rating IS NOT NULL) AS mean_rating_mean,
       avg(CAST(rating <= 3 AS INTEGER)) AS low_share, avg(CAST(rating >= 8 AS INTEGER)) AS high_share
FROM judge_ratings
GROUP BY model
ORDER BY model
