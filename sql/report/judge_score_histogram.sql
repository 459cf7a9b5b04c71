-- Each score 1..10: how many completions the judges rated so, and how many of the same completions the
-- original critique scored so (rounded): where the judge moves the critique's scores.
WITH scores AS (SELECT unnest(range(1, 11)) AS score)
SELECT s.score,
       count(j.rating) FILTER (WHERE CAST(round(j.rating) AS INTEGER) = s.score) AS judge,
       count(j.overall_score) FILTER (WHERE CAST(round(j.overall_score) AS INTEGER) = s.score) AS critique
FROM scores s CROSS JOIN (SELECT rating, overall_score FROM judge_ratings WHERE rating IS NOT NULL) j
GROUP BY s.score
ORDER BY s.score
