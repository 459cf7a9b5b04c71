-- What reviewers decided and what became of it: verdict lines per author, action and status (applied,
-- stale, not_in_input, superseded, conflicting, retracted, no_effect, invalid), with the records the applied ones acted on.
SELECT coalesce(author, '(unreadable line)') AS author, coalesce(action, '—') AS action, status,
       count(*) AS verdicts, sum(records) AS records
FROM verdicts
GROUP BY ALL
ORDER BY author, action, status
