-- The judge's rating against the rating mean, every rated completion with a mean: the picture of how the
-- judge's 1-10 ratings follow (or do not follow) the four aspect ratings. mean_rating rounded to the
-- nearest multiple of $bin_width.
SELECT CAST(round(rating) AS INTEGER) AS rating, round(mean_rating / $bin_width) * $bin_width AS rating_bin,
       count(*) AS completions
FROM judge_ratings
WHERE rating IS NOT NULL AND mean_rating IS NOT NULL
GROUP BY ALL
ORDER BY rating, rating_bin
