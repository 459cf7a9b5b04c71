-- Critique overall_score against rating mean, every completion with both: the picture in which the
-- 1 -> 10 parser defect shows as a block of score-10 completions with low rating means.
-- overall_score rounded to the nearest integer (scores can be x.5); mean_rating rounded to the nearest multiple
-- of $bin_width (the bin's centre).
SELECT CAST(round(overall_score) AS INTEGER) AS score,
       round(mean_rating / $bin_width) * $bin_width AS rating_bin,
       count(*) AS completions
FROM completions
WHERE overall_score IS NOT NULL AND mean_rating IS NOT NULL
GROUP BY ALL
ORDER BY score, rating_bin
