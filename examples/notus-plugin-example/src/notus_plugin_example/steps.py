"""Two steps against length bias: DPO data whose chosen answers are much longer than the rejected ones
teaches a model that longer is better. `example.pair_lengths` measures every pair (Polars);
`example.length_balanced` keeps the pairs whose length ratio is within `max_length_ratio` (SQL)."""

from __future__ import annotations

import polars as pl

from notus.core.step import StepContext, polars_step, sql_step


@polars_step(
    "example.pair_lengths",
    reads={"pairs": ["pair_id", "chosen", "rejected"]},
    writes={"pair_lengths": ["pair_id", "chosen_chars", "rejected_chars", "length_ratio"]},
)
def pair_lengths(ctx: StepContext, pairs: pl.LazyFrame) -> pl.LazyFrame:
    """Characters of each answer and chosen/rejected, the ratio length-bias checks look at."""
    return pairs.select(
        "pair_id",
        chosen_chars=pl.col("chosen").str.len_chars(),
        rejected_chars=pl.col("rejected").str.len_chars(),
    ).with_columns(length_ratio=pl.col("chosen_chars") / pl.max_horizontal(pl.col("rejected_chars"), 1))


LENGTH_BALANCED = sql_step("example.length_balanced", __name__.rpartition(".")[0], "sql/length_balanced.sql")
