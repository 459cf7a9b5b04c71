-- length_balanced: the pairs whose chosen answer is at most $max_length_ratio times as long as the
-- rejected one (in characters), each with its lengths. Pairs beyond it are left out: in them "chosen" and
-- "longer" coincide, which a DPO model learns as a preference for length.
SELECT p.pair_id, p.prompt, p.chosen, p.rejected, l.chosen_chars, l.rejected_chars, l.length_ratio
FROM pairs p
JOIN pair_lengths l USING (pair_id)
WHERE l.length_ratio <= $max_length_ratio
ORDER BY p.pair_id
