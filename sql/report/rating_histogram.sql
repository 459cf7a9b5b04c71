-- Rating-mean histogram per source, as the share of the source's rated completions in each bin.
-- Bins are $bin_width wide and centred on multiples of it (a mean of four ratings is a multiple of 0.25, so
-- with the default width each possible mean of four ratings has its own bin; a mean of three goes to the nearest).
WITH binned AS (
    SELECT source, round(mean_rating / $bin_width) * $bin_width AS bin
    FROM completions
    WHERE mean_rating IS NOT NULL
)
SELECT source, bin, count(*) AS completions,
       count(*) / sum(count(*)) OVER (PARTITION BY source) AS share
FROM binned
GROUP BY source, bin
ORDER BY source, bin
