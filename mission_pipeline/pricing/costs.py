"""Turns token counts into USD: each call (or group of calls sharing a price) priced, then summed.

Rows priced here share one model, day, prompt-size tier and cost origin, so one set of rates prices all
their calls and summing the calls' costs is the same as pricing their summed tokens. The formula is
OpenClaw's (`calculateUsageCost`) and Anthropic's bill: 5-minute cache writes at the cache-write rate,
1-hour writes at their own rate (2 x input), reads at the cache-read rate. A provider-billed total,
when OpenClaw recorded one, is what the call cost; the computed cost stays beside it.
"""

from __future__ import annotations

import math
from dataclasses import fields

import pandas as pd

from mission_pipeline.pricing.catalog import Pricing
from mission_pipeline.pricing.rates import ModelPrice, Rates, Tier

TOKEN_COLUMNS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")
COST_COLUMNS = ("input_cost", "output_cost", "cache_read_cost", "cache_write_cost")
RATE_COLUMNS = ("input_rate", "output_rate", "cache_read_rate", "cache_write_rate", "cache_write_1h_rate")
UNPRICED_TIER = "unpriced"
# numeric(20, 10) in the tables: round here so reruns compare equal to what is stored.
COST_DECIMALS = 10
_MILLION = 1_000_000
_RATE_FIELDS = tuple(field.name for field in fields(Rates))  # in RATE_COLUMNS order
_SUMMED = (*TOKEN_COLUMNS, "cache_write_1h_tokens", "message_count", "billed_calls", *COST_COLUMNS,
           "computed_cost", "total_cost", "billed_cost", "recorded_cost_usd")  # fmt: skip
# The same within a tier's row: one model on one day has one price.
_SAME = ("price_source", "price_effective_from", *RATE_COLUMNS)


def price_calls(calls: pd.DataFrame, pricing: Pricing) -> pd.DataFrame:
    """`calls` with each row's tier, rates, costs and where its prices came from.

    Needs date, provider, model_id, prompt_tokens (decides the tier), billed (a provider-billed
    total), the four token columns, cache_write_1h_tokens and recorded_cost_usd. A model no table
    prices keeps its tokens and gets null computed costs: no made-up numbers.
    """
    out = calls.copy()
    prices: dict[tuple[object, object, object], ModelPrice | None] = {}
    chosen: list[tuple[ModelPrice, Tier] | None] = []
    for provider, model, day, prompt in zip(
        out["provider"], out["model_id"], out["date"], out["prompt_tokens"], strict=True
    ):
        key = (provider, model, day)
        if key not in prices:
            prices[key] = pricing.price_for(optional_text(provider), optional_text(model), day)
        price = prices[key]
        chosen.append(None if price is None else (price, price.tier_for(float(prompt))))
    out["price_tier"] = [c[0].tier_label(c[1]) if c else UNPRICED_TIER for c in chosen]
    out["price_source"] = [c[0].source if c else None for c in chosen]
    out["price_effective_from"] = [c[0].effective_from if c else None for c in chosen]
    for column, rate in zip(RATE_COLUMNS, _RATE_FIELDS, strict=True):
        values = [getattr(c[1].rates, rate) if c else None for c in chosen]
        out[column] = pd.Series(values, index=out.index, dtype="float64")
    _set_costs(out)
    return out


def sum_priced(priced: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Priced rows summed per `keys` and tier (one price each): costs null where any call is unpriced."""
    if priced.empty:
        return pd.DataFrame(columns=[*keys, "price_tier", *_SUMMED, *_SAME, "cost_origin", "priced"])
    billed = priced["billed"].astype(bool)
    recorded = priced["recorded_cost_usd"].astype("float64")
    frame = priced.assign(
        recorded_cost_usd=recorded,
        billed_calls=priced["message_count"].where(billed, 0),
        billed_cost=recorded.where(billed),
    )
    grouped = frame.groupby([*keys, "price_tier"], sort=True, dropna=False)
    out = grouped[[*TOKEN_COLUMNS, "cache_write_1h_tokens", "message_count", "billed_calls"]].sum()
    for column in (*COST_COLUMNS, "computed_cost", "total_cost", "billed_cost", "recorded_cost_usd"):
        summed = grouped[column].sum(min_count=1)
        if column == "total_cost":  # a cost is known only when every call's cost is
            summed = summed.where(grouped[column].count() == grouped.size())
        out[column] = summed.round(COST_DECIMALS)
    out = out.join(grouped[list(_SAME)].first()).reset_index()
    out["priced"] = out["total_cost"].notna()
    counts = zip(out["billed_calls"], out["message_count"], out["priced"], strict=True)
    out["cost_origin"] = [_origin(billed, calls, priced) for billed, calls, priced in counts]
    return out


def _origin(billed_calls: int, calls: int, priced: bool) -> str | None:
    if billed_calls and billed_calls == calls:
        return "provider-billed"
    if billed_calls:
        return "mixed"
    return "computed" if priced else None


def _set_costs(out: pd.DataFrame) -> None:
    def tokens(column: str) -> pd.Series:
        return out[column].astype("float64")

    five_minute = tokens("cache_write_tokens") - tokens("cache_write_1h_tokens")
    out["input_cost"] = tokens("input_tokens") * out["input_rate"] / _MILLION
    out["output_cost"] = tokens("output_tokens") * out["output_rate"] / _MILLION
    out["cache_read_cost"] = tokens("cache_read_tokens") * out["cache_read_rate"] / _MILLION
    out["cache_write_cost"] = (
        five_minute * out["cache_write_rate"] + tokens("cache_write_1h_tokens") * out["cache_write_1h_rate"]
    ) / _MILLION
    # Summed in OpenClaw's order, so a single call's cost is the very float OpenClaw computes.
    out["computed_cost"] = (
        out["input_cost"] + out["output_cost"] + out["cache_read_cost"] + out["cache_write_cost"]
    )
    billed = out["billed"].astype(bool)
    out["total_cost"] = out["computed_cost"].where(~billed, out["recorded_cost_usd"].astype("float64"))
    out["priced"] = out["total_cost"].notna()


def optional_text(value: object) -> str | None:
    """A provider or model id from a DataFrame cell: None for SQL null (None or NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)
