-- The judge's ratings per band of the rating mean (the bands OpenBMB's fix used: <= 2 flipped to 1, > 4 kept at
-- 10, the middle re-asked), next to the original critique score of the same completions. Rated completions only.
SELECT model,
       CASE WHEN mean_rating IS NULL THEN 'no rating'
            WHEN mean_rating <= 2 THEN '≤ 2'
            WHEN mean_rating <= 2.5 THEN '2 – 2.5'
            WHEN mean_rating <= 3 THEN '2.5 – 3'
            WHEN mean_rating <= 3.5 THEN '3 – 3.5'
            WHEN mean_rating <= 4 THEN '3.5 – 4'
            ELSE '> 4' END AS rating_mean_band,
       count(*) AS completions, avg(rating) AS mean_judge_rating, median(rating) AS median_judge_rating,
       min(rating) AS lowest, max(rating) AS highest, avg(overall_score) AS mean_critique_score
FROM judge_ratings
WHERE rating IS NOT NULL
GROUP BY ALL
ORDER BY model, coalesce(min(mean_rating), 99)
