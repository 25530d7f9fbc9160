"""The ledger's calls of a window, summed in Postgres per price bucket, then priced and summed per tier.

A bucket is one agent, local day, model, prompt-size band and cost origin: every call in it gets the
same rates (the bands are cut at every tier threshold of the window's models), so Postgres can sum
millions of calls and Python prices a few hundred sums, with the same result as pricing each call.
"""

from __future__ import annotations

import math

import dagster as dg
import pandas as pd

from mission_pipeline.gateways import QUALIFIED_AGENT_ID_SQL
from mission_pipeline.pricing.catalog import Pricing
from mission_pipeline.pricing.costs import (
    COST_COLUMNS,
    RATE_COLUMNS,
    TOKEN_COLUMNS,
    optional_text,
    price_calls,
    sum_priced,
)
from mission_pipeline.warehouse.resource import PostgresWarehouse

_WINDOW = "occurred_at >= %(start)s and occurred_at < %(end)s"
_MODELS = f"""
select distinct (occurred_at at time zone %(tz)s)::date as date, provider, model
from openclaw_usage_events where {_WINDOW}
"""
# Agents of every gateway, their ids qualified as the dashboard tables have them (`gateways.py`).
_BUCKETS = f"""
select {QUALIFIED_AGENT_ID_SQL} as agent_id,
       (occurred_at at time zone %(tz)s)::date as date,
       coalesce(provider || '/', '') || coalesce(model, 'unknown') as model,
       provider, model as model_id,
       width_bucket((input_tokens + cache_read_tokens + cache_write_tokens)::float8, %(edges)s::float8[])
         as band,
       coalesce(recorded_cost_origin = 'provider-billed', false) as billed,
       sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens,
       sum(cache_read_tokens) as cache_read_tokens, sum(cache_write_tokens) as cache_write_tokens,
       sum(cache_write_1h_tokens) as cache_write_1h_tokens,
       sum(recorded_cost_usd) as recorded_cost_usd, count(*) as message_count
from openclaw_usage_events
where {_WINDOW}
group by 1, 2, 3, 4, 5, 6, 7
"""
BY_MODEL_COLUMNS = [
    "agent_id", "date", "model", "price_tier", "provider", *TOKEN_COLUMNS, "cache_write_1h_tokens",
    *COST_COLUMNS, "computed_cost", "total_cost", "billed_calls", "billed_cost", "cost_origin",
    "recorded_cost_usd", "message_count", "priced", "price_source", "price_effective_from", *RATE_COLUMNS,
]  # fmt: skip


def priced_usage_by_model(
    warehouse: PostgresWarehouse, window: dg.TimeWindow, timezone: str, pricing: Pricing
) -> pd.DataFrame:
    """The window's calls summed per agent, day, model and price tier, with their costs."""
    params = {"tz": timezone, "start": window.start, "end": window.end}
    with warehouse.connect() as conn, conn.cursor() as cur:
        cur.execute(_MODELS, params)
        edges = tier_edges(pricing, cur.fetchall())
        # width_bucket refuses an empty threshold list; one at infinity puts every call in band 0.
        cur.execute(_BUCKETS, {**params, "edges": edges or [math.inf]})
        rows = cur.fetchall()
        names = [d.name for d in cur.description or []]
    buckets = pd.DataFrame(rows, columns=names)
    for column in (*TOKEN_COLUMNS, "cache_write_1h_tokens", "message_count"):
        buckets[column] = buckets[column].astype("int64")
    buckets["recorded_cost_usd"] = buckets["recorded_cost_usd"].astype("float64")
    # width_bucket's band b holds prompts from edges[b - 1] on: that size picks the band's tier.
    buckets["prompt_tokens"] = [edges[band - 1] if band > 0 else 0.0 for band in buckets["band"]]
    priced = price_calls(buckets, pricing)
    summed = sum_priced(priced, ["agent_id", "date", "model", "provider"])
    return summed[BY_MODEL_COLUMNS]


def tier_edges(pricing: Pricing, models: list[tuple[object, ...]]) -> list[float]:
    """Every prompt size where the tier of one of these (day, provider, model) changes, ascending."""
    edges: set[float] = set()
    for day, provider, model in models:
        price = pricing.price_for(optional_text(provider), optional_text(model), day)  # type: ignore[arg-type]
        if price is not None:
            edges.update(float(edge) for edge in price.thresholds())
    return sorted(edges)
