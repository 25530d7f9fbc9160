"""Turns token counts into USD with the pricing table: one row per (agent, day, model)."""

from __future__ import annotations

import pandas as pd

from mission_pipeline.pricing.table import PriceTable

TOKEN_COLUMNS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")
COST_COLUMNS = ("input_cost", "output_cost", "cache_read_cost", "cache_write_cost")
# numeric(20, 10) in the tables: round here so reruns compare equal to what is stored.
COST_DECIMALS = 10


def price_usage(usage: pd.DataFrame, prices: PriceTable) -> pd.DataFrame:
    """`usage` (model, date and the four token columns) with the four costs, total_cost and priced.

    An unpriced model keeps its tokens and gets null costs: no made-up numbers.
    """
    out = usage.copy()
    rates = [prices.price_for(model, day) for model, day in zip(out["model"], out["date"], strict=True)]
    out["priced"] = [rate is not None for rate in rates]
    per_million = {
        "input_cost": [r.input if r else None for r in rates],
        "output_cost": [r.output if r else None for r in rates],
        "cache_read_cost": [r.cache_read if r else None for r in rates],
        "cache_write_cost": [r.cache_write if r else None for r in rates],
    }
    for cost, tokens in zip(COST_COLUMNS, TOKEN_COLUMNS, strict=True):
        rate = pd.Series(per_million[cost], index=out.index, dtype="float64")
        out[cost] = (out[tokens].astype("float64") * rate / 1_000_000).round(COST_DECIMALS)
    out["total_cost"] = out[list(COST_COLUMNS)].sum(axis=1, min_count=4).round(COST_DECIMALS)
    return out
