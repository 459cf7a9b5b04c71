-- binarized: the outcome of binarization for every record that reaches it (prompts minus `excluded`):
-- one row per (chosen, rejected) pair with reason NULL, or ONE row with the reason the record is dropped.
-- `preferences` keeps the pairs, `dropped` takes the reasons.
--
-- ONE FILE FOR ALL STRATEGIES, chosen by $strategy, so a pipeline (or `--set strategy=worst`) picks a
-- policy without changing its step graph; every policy is the same three moves (rank the completions,
-- list the candidate pairs, keep some) and differs only in the CASE branches below.
--   mean_rating   (Notus) rank by mean_rating; chosen = best; rejected = drawn uniformly among completions
--                 with a STRICTLY lower mean. None lower -> 'tie'.
--   overall_score (Zephyr) rank by fixed_overall_score (= overall_score unless repair=true); chosen = the
--                 first maximum; rejected = drawn uniformly among ALL other scored completions (ties with
--                 the chosen one are kept, as Zephyr did).
--   worst         chosen as mean_rating; rejected = the lowest mean (ties at the bottom -> lowest index).
--   all_pairs     every pair (i, j) with mean_i > mean_j: one row each.
-- Candidates: completions whose ranking value is not NULL (no usable rating, or no critique score, means
-- the completion takes no part). Fewer than 2 candidates -> 'too_few_completions'.
-- Top ties ($tie_breaker, rating strategies only): 'index' = lowest completion_index; 'overall_score' =
--   highest fixed_overall_score first (NULL last), then lowest index. The overall_score strategy always
--   takes the first maximum.
-- $min_margin: a pair is eligible only if chosen - rejected >= min_margin (in mean-rating points, or in
--   critique-score points for overall_score). Candidate pairs exist but none is eligible -> 'below_margin'.
-- SEEDED DRAW, independent of row order and threads: the eligible rejected completions of a record are
--   numbered 0..n-1 by completion_index, and the one numbered
--       int(first 15 hex digits of sha256('<seed>:<prompt_id>')) mod n
--   is taken. sha256 (not DuckDB's hash()) keeps the draw identical across DuckDB versions; keying on
--   prompt_id, not record_id, keeps it identical when the input is reordered.
-- REVIEWERS' VERDICTS (`verdict_effects`): a completion marked completion_defective takes no part (its
--   ranking value is NULL); a record with a set_pair verdict gets exactly that pair, whatever the strategy.
-- The params' allowed values (strategy, tie_breaker, min_margin >= 0) are declared in the pipeline spec
-- and checked before any data is read.
WITH cfg AS (
    SELECT $strategy AS strategy, $tie_breaker AS tie_breaker, CAST($min_margin AS DOUBLE) AS min_margin,
           CAST($seed AS VARCHAR) AS seed
),
kept AS (
    SELECT p.record_id, p.prompt_id
    FROM prompts p
    WHERE NOT EXISTS (SELECT 1 FROM excluded e WHERE e.record_id = p.record_id)
),
set_pairs AS (
    SELECT DISTINCT v.record_id, v.prompt_id, v.chosen_index, v.rejected_index
    FROM verdict_effects v
    JOIN kept k ON k.record_id = v.record_id
    WHERE v.action = 'set_pair'
),
records AS (
    SELECT k.* FROM kept k WHERE NOT EXISTS (SELECT 1 FROM set_pairs s WHERE s.record_id = k.record_id)
),
completion_keys AS (
    SELECT c.record_id, c.prompt_id, c.completion_index, c.fixed_overall_score AS score,
           CASE WHEN c.verdict = 'completion_defective' THEN NULL
                WHEN cfg.strategy = 'overall_score' THEN c.fixed_overall_score ELSE c.mean_rating END AS key
    FROM completions c
    JOIN records r ON r.record_id = c.record_id
    CROSS JOIN cfg
),
ranked AS (
    SELECT k.record_id, k.prompt_id, k.completion_index, k.key,
           row_number() OVER (
               PARTITION BY k.record_id
               ORDER BY k.key DESC,
                        CASE WHEN cfg.strategy <> 'overall_score' AND cfg.tie_breaker = 'overall_score'
                             THEN k.score END DESC NULLS LAST,
                        k.completion_index
           ) AS place
    FROM completion_keys k
    CROSS JOIN cfg
    WHERE k.key IS NOT NULL
),
pairs AS (
    SELECT c.record_id, c.prompt_id, c.completion_index AS chosen_index, r.completion_index AS rejected_index,
           r.key AS rejected_key, c.key - r.key AS margin
    FROM ranked c
    JOIN ranked r ON r.record_id = c.record_id AND r.completion_index <> c.completion_index
    CROSS JOIN cfg
    WHERE CASE cfg.strategy
              WHEN 'all_pairs' THEN c.key > r.key
              WHEN 'overall_score' THEN c.place = 1
              ELSE c.place = 1 AND r.key < c.key
          END
),
eligible AS (
    SELECT p.*,
           row_number() OVER (PARTITION BY p.record_id, p.chosen_index ORDER BY p.rejected_index) - 1 AS slot,
           count(*) OVER (PARTITION BY p.record_id, p.chosen_index) AS n_eligible,
           row_number() OVER (PARTITION BY p.record_id, p.chosen_index ORDER BY p.rejected_key, p.rejected_index)
               AS bottom_place
    FROM pairs p
    CROSS JOIN cfg
    WHERE p.margin >= cfg.min_margin
),
picked AS (
    SELECT e.record_id, e.prompt_id, e.chosen_index, e.rejected_index
    FROM eligible e
    CROSS JOIN cfg
    WHERE CASE cfg.strategy
              WHEN 'all_pairs' THEN true
              WHEN 'worst' THEN e.bottom_place = 1
              ELSE e.slot = CAST('0x' || left(sha256(cfg.seed || ':' || e.prompt_id), 15) AS BIGINT) % e.n_eligible
          END
),
counts AS (
    SELECT record_id, count(*) AS n_completions, count(key) AS n_candidates, max(key) AS top_key
    FROM completion_keys
    GROUP BY record_id
),
pair_counts AS (
    SELECT record_id, max(margin) AS best_margin FROM pairs GROUP BY record_id
),
outcomes AS (
    SELECT r.record_id, r.prompt_id,
           CASE WHEN coalesce(c.n_candidates, 0) < 2 THEN 'too_few_completions'
                WHEN pc.record_id IS NULL THEN 'tie'
                WHEN NOT EXISTS (SELECT 1 FROM picked k WHERE k.record_id = r.record_id) THEN 'below_margin'
           END AS reason,
           CASE WHEN coalesce(c.n_candidates, 0) < 2 THEN
                    printf('%d of %d completion(s) have a %s', coalesce(c.n_candidates, 0),
                           coalesce(c.n_completions, 0),
                           CASE WHEN cfg.strategy = 'overall_score' THEN 'critique score' ELSE 'rating' END)
                WHEN pc.record_id IS NULL THEN
                    printf('all %d rated completions share the top mean %.4g', c.n_candidates, c.top_key)
                ELSE printf('largest margin %.4g < min_margin %.4g', pc.best_margin, cfg.min_margin)
           END AS detail
    FROM records r
    LEFT JOIN counts c ON c.record_id = r.record_id
    LEFT JOIN pair_counts pc ON pc.record_id = r.record_id
    CROSS JOIN cfg
)
SELECT record_id, prompt_id, CAST(chosen_index AS INTEGER) AS chosen_index,
       CAST(rejected_index AS INTEGER) AS rejected_index, reason, detail
FROM (
    SELECT record_id, prompt_id, chosen_index, rejected_index, CAST(NULL AS VARCHAR) AS reason,
           CAST(NULL AS VARCHAR) AS detail
    FROM picked
    UNION ALL
    SELECT record_id, prompt_id, chosen_index, rejected_index, NULL, NULL
    FROM set_pairs
    UNION ALL
    SELECT record_id, prompt_id, NULL, NULL, reason, detail
    FROM outcomes
    WHERE reason IS NOT NULL
)
ORDER BY record_id, chosen_index, rejected_index
