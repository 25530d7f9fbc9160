"""Why the dashboard's cost and OpenClaw's recorded cost differ, per model and day.

Two questions, kept apart: do OpenClaw's own configured rates, applied to the ledger's token counts,
reproduce what OpenClaw recorded (if not, tokens or rates are not what we think), and do the two price
lists (prices.toml against openclaw.json) differ (an explained, expected difference)?
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import Enum

import dagster as dg
import pandas as pd

from mission_pipeline.openclaw.model_rates import ConfiguredRates, CostRates, ModelCost
from mission_pipeline.pricing.catalog import Pricing
from mission_pipeline.pricing.costs import optional_text
from mission_pipeline.pricing.rates import ModelPrice
from mission_pipeline.warehouse.resource import PostgresWarehouse

# Per day, model and prompt-size band: tiered rates depend on each call's prompt, so calls are grouped
# by the band between two tier edges (one tier per band for every model), not summed blindly.
_BANDS = """
select (occurred_at at time zone %(tz)s)::date as date,
       coalesce(provider || '/', '') || coalesce(model, 'unknown') as model,
       provider, model as model_id,
       width_bucket((input_tokens + cache_read_tokens + cache_write_tokens)::float8, %(edges)s::float8[])
         as band,
       recorded_cost_usd is not null as recorded,
       coalesce(recorded_cost_origin = 'provider-billed', false) as billed,
       sum(input_tokens)::float8 as input, sum(output_tokens)::float8 as output,
       sum(cache_read_tokens)::float8 as cache_read, sum(cache_write_tokens)::float8 as cache_write,
       sum(cache_write_1h_tokens)::float8 as cache_write_1h,
       coalesce(sum(recorded_cost_usd), 0)::float8 as recorded_cost, count(*) as calls
from openclaw_usage_events
where occurred_at >= %(start)s and occurred_at < %(end)s and gateway_id = %(gateway)s
group by 1, 2, 3, 4, 5, 6, 7
"""
# OpenClaw's cost is plain float arithmetic on the same counts: what it recorded comes back to within
# rounding. Far tighter than the 1 % by which the two price lists are said to agree.
REPRODUCE_RELATIVE = 1e-4
# Below a millionth of a dollar two costs are equal whatever their ratio (a day of a few tiny calls).
_ABSOLUTE_USD = 1e-6


class Status(Enum):
    """One model-day's answer; `explained` says whether the check may pass with it."""

    AGREE = ("costs agree", True)
    PRICE_LISTS = ("price lists differ", True)
    NO_OPENCLAW_PRICE = ("OpenClaw has no price", True)
    NOT_RECORDED = ("calls without recorded cost", True)
    UNPRICED = ("no price in any table", True)
    UNKNOWN = ("cannot tell why", False)
    UNEXPLAINED = ("unexplained", False)

    def __init__(self, label: str, explained: bool) -> None:
        self.label = label
        self.explained = explained


@dataclass(frozen=True)
class ModelDay:
    """One model's calls of one day, costed three ways."""

    model: str
    day: dt.date
    calls: int
    unrecorded_calls: int  # calls whose transcript line carried no cost
    dashboard: float | None  # the dashboard's cost, as written to agent_usage_by_model (None: unpriced)
    recorded: float  # OpenClaw's usage.cost.total, summed
    reproduced: float | None  # OpenClaw's rates on the calls it recorded a cost for (None: no rates)
    reproduced_all: float | None  # the same rates on every call
    price: ModelPrice | None
    rates: ModelCost | None
    status: Status


def close(a: float, b: float, relative: float) -> bool:
    """`a` is within `relative` of `b` (or within a millionth of a dollar)."""
    return abs(a - b) <= _ABSOLUTE_USD + relative * abs(b)


def cost_of(tokens: pd.Series, rates: CostRates) -> float:
    """OpenClaw's formula: 5-minute cache writes at the cache-write rate, 1-hour ones at 2 x input."""
    five_minute = tokens["cache_write"] - tokens["cache_write_1h"]
    return (
        float(
            tokens["input"] * rates.input
            + tokens["output"] * rates.output
            + tokens["cache_read"] * rates.cache_read
            + five_minute * rates.cache_write
            + tokens["cache_write_1h"] * rates.input * 2
        )
        / 1_000_000
    )


def ledger_bands(
    warehouse: PostgresWarehouse, window: dg.TimeWindow, timezone: str, edges: list[float], gateway_id: str
) -> pd.DataFrame:
    """One gateway's calls of the window per day, model, prompt band and whether OpenClaw recorded a cost."""
    params = {"tz": timezone, "edges": edges, "start": window.start, "end": window.end, "gateway": gateway_id}
    with warehouse.connect() as conn, conn.cursor() as cur:
        cur.execute(_BANDS, params)
        rows = cur.fetchall()
        names = [d.name for d in cur.description or []]
    return pd.DataFrame(rows, columns=names)


def compare(
    bands: pd.DataFrame,
    by_model: pd.DataFrame,
    pricing: Pricing,
    rates: ConfiguredRates | None,
    edges: list[float],
    tolerance: float,
) -> list[ModelDay]:
    """Every model-day of the window with its status; `rates` None when openclaw.json is unreadable."""
    dashboard = _dashboard_costs(by_model)
    found: list[ModelDay] = []
    for _key, group in bands.groupby(["model", "date"], sort=True):
        first = group.iloc[0]
        model, day, provider, model_id = first["model"], first["date"], first["provider"], first["model_id"]
        configured = rates.for_model(provider, model_id) if rates is not None else None
        reproduced = reproduced_all = None
        if configured is not None:
            # A provider-billed total is what was charged: OpenClaw's rates do not decide it.
            costs = [
                row["recorded_cost"]
                if row["billed"]
                else cost_of(row, configured.rates_for_prompt(_band_floor(int(row["band"]), edges)))
                for _, row in group.iterrows()
            ]
            reproduced = sum(c for c, r in zip(costs, group["recorded"], strict=True) if r)
            reproduced_all = sum(costs)
        measured = ModelDay(
            model=str(model),
            day=day,
            calls=int(group["calls"].sum()),
            unrecorded_calls=int(group.loc[~group["recorded"], "calls"].sum()),
            dashboard=dashboard.get((str(model), day)),
            recorded=float(group["recorded_cost"].sum()),
            reproduced=reproduced,
            reproduced_all=reproduced_all,
            price=pricing.price_for(optional_text(provider), optional_text(model_id), day),
            rates=configured,
            status=Status.UNKNOWN,  # until classified below, from the numbers just measured
        )
        found.append(replace(measured, status=_status(measured, rates is not None, tolerance)))
    return found


def _dashboard_costs(by_model: pd.DataFrame) -> dict[tuple[str, dt.date], float | None]:
    """prices.toml's cost per model and day, summed over agents; None for an unpriced model."""
    if by_model.empty:
        return {}
    grouped = by_model.groupby(["model", "date"], sort=False)
    totals = grouped["total_cost"].sum(min_count=1)
    priced = grouped["priced"].all()
    return {key: float(totals[key]) if priced[key] else None for key in totals.index}


def _band_floor(band: int, edges: list[float]) -> float:
    """A prompt size inside width_bucket's band `band`: every prompt of the band gets the same tier."""
    return edges[band - 1] if band > 0 else 0.0


def _status(day: ModelDay, config_read: bool, tolerance: float) -> Status:
    dashboard, recorded = day.dashboard, day.recorded
    if dashboard is not None and close(dashboard, recorded, tolerance):
        return Status.AGREE
    if not config_read:
        return Status.UNKNOWN
    if day.rates is None or day.reproduced is None or day.reproduced_all is None:
        # OpenClaw records 0 for a model it has no price for; anything else came from rates it did not
        # take from openclaw.json (its built-in catalog, say), which the pipeline cannot see.
        if recorded > _ABSOLUTE_USD:
            return Status.UNKNOWN
        return Status.UNPRICED if dashboard is None else Status.NO_OPENCLAW_PRICE
    if not close(day.reproduced, recorded, REPRODUCE_RELATIVE):
        return Status.UNEXPLAINED
    if dashboard is None:
        return Status.UNPRICED
    if day.unrecorded_calls and close(dashboard, day.reproduced_all, REPRODUCE_RELATIVE):
        return Status.NOT_RECORDED  # same prices: the gap is only the calls OpenClaw gave no cost
    return Status.PRICE_LISTS
