"""LLM judges: ask any OpenAI-compatible server to re-rate the completions of a review queue, and write its
answers as verdicts (`notus judge`). `prompts` renders rubric templates, `items` turns a queue into requests,
`cache` keys and stores answers, `client` talks HTTP, `parse` reads ratings, `outcome` makes verdicts,
`plan`/`run` decide what to send and send it, `batch`/`offline` do the same through Batch API files."""
