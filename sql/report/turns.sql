-- Turns per prompt: how many user turns each record's conversation holds (the turns before the answers),
-- with the share of records and the mean number of messages (user, assistant and system) behind them.
-- Multi-turn data keeps its history in `conversation`, and the published chosen/rejected lists carry it.
-- Records whose conversation is unknown (a version built before conversations were published) are left out.
SELECT user_turns, count(*) AS records, count(*) / sum(count(*)) OVER () AS share,
       avg(messages) AS mean_messages
FROM (
    SELECT len(list_filter(conversation, lambda m: m.role = 'user')) AS user_turns, len(conversation) AS messages
    FROM prompts
    WHERE conversation IS NOT NULL
)
GROUP BY user_turns
ORDER BY user_turns
