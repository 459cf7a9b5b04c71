-- excluded (notus-cleaned): the notus pipeline's own exclusions (`excluded_curation`, i.e. sql/excluded.sql:
-- duplicates) plus every record the decontamination step flagged, ONE row per record_id.
--
-- A contaminated record gets reason 'contaminated' even when it is also a duplicate: removal for a
-- benchmark is the reason a user needs to see and count. When a record hits several benchmarks or methods,
-- `detail` names the strongest hit (source, then exact, then ngram; then the higher score; then the
-- benchmark name) with its evidence, shortened to 160 characters, and lists the other hits; the full rows
-- stay in the published `contamination` table.
WITH ranked AS (
    SELECT record_id, prompt_id, benchmark, method, evidence, score,
           row_number() OVER (
               PARTITION BY record_id
               ORDER BY CASE method WHEN 'source' THEN 0 WHEN 'exact' THEN 1 ELSE 2 END, score DESC, benchmark
           ) AS rank
    FROM contamination
),
flagged AS (
    SELECT record_id,
           any_value(prompt_id) FILTER (WHERE rank = 1) AS prompt_id,
           any_value(benchmark || '/' || method || ' (score ' || printf('%.2f', score) || '): '
                     || CASE WHEN length(evidence) > 160 THEN left(evidence, 159) || '…' ELSE evidence END)
               FILTER (WHERE rank = 1) AS strongest,
           string_agg(benchmark || '/' || method, ', ' ORDER BY rank) FILTER (WHERE rank > 1) AS others
    FROM ranked
    GROUP BY record_id
)
SELECT record_id, prompt_id, reason, detail
FROM (
    SELECT record_id, prompt_id, 'contaminated' AS reason,
           strongest || CASE WHEN others IS NULL THEN '' ELSE ' [also: ' || others || ']' END AS detail
    FROM flagged
    UNION ALL
    SELECT e.record_id, e.prompt_id, e.reason, e.detail
    FROM excluded_curation e
    WHERE NOT EXISTS (SELECT 1 FROM flagged f WHERE f.record_id = e.record_id)
)
ORDER BY record_id
