-- Rating mean per source: how many completions, how many carry a usable rating, and where their means lie.
-- mean_rating is the mean of the aspect ratings (1..5) that exist; NULL when every rating was N/A or missing.
SELECT source,
       count(*) AS completions,
       count(mean_rating) AS rated,
       1 - count(mean_rating) / count(*) AS unrated_share,
       avg(mean_rating) AS mean,
       quantile_cont(mean_rating, 0.10) AS p10,
       quantile_cont(mean_rating, 0.25) AS q1,
       median(mean_rating) AS median,
       quantile_cont(mean_rating, 0.75) AS q3,
       quantile_cont(mean_rating, 0.90) AS p90
FROM completions
GROUP BY source
ORDER BY source
