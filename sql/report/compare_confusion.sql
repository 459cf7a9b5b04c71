-- Chosen-index confusion table over the prompts both versions keep: which completion (0-based position in
-- the record) each rule chose. The diagonal is agreement.
SELECT this_index, other_index, count(*) AS records
FROM common_chosen
GROUP BY ALL
ORDER BY this_index, other_index
