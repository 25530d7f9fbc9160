"""Daily usage per agent and model, and per agent: aggregated in Postgres from the ledger, then priced."""

from collections.abc import Iterator
from typing import Any

import dagster as dg
import pandas as pd

from mission_pipeline.defs.resources import OpenClawResource
from mission_pipeline.defs.usage import checks, cost_check
from mission_pipeline.defs.usage.ledger import openclaw_usage_events
from mission_pipeline.defs.usage.partitions import daily_usage_asset
from mission_pipeline.defs.usage.summary import usage_metadata
from mission_pipeline.pricing.costs import COST_COLUMNS, TOKEN_COLUMNS, price_usage
from mission_pipeline.pricing.table import PriceTable
from mission_pipeline.settings import get_settings
from mission_pipeline.warehouse.resource import PostgresWarehouse

# One row per (agent, local day, provider/model) of the window, summed by Postgres.
_AGGREGATE = """
select agent_id,
       (occurred_at at time zone %(tz)s)::date as date,
       coalesce(provider || '/', '') || coalesce(model, 'unknown') as model,
       min(provider) as provider,
       sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens,
       sum(cache_read_tokens) as cache_read_tokens, sum(cache_write_tokens) as cache_write_tokens,
       sum(recorded_cost_usd) as recorded_cost_usd, count(*) as message_count
from openclaw_usage_events
where occurred_at >= %(start)s and occurred_at < %(end)s
group by 1, 2, 3
order by 1, 2, 3
"""
BY_MODEL_COLUMNS = [
    "agent_id", "date", "model", "provider", *TOKEN_COLUMNS, *COST_COLUMNS, "total_cost",
    "recorded_cost_usd", "message_count", "priced",
]  # fmt: skip
AGENT_USAGE_COLUMNS = [
    "agent_id",
    "date",
    "model",
    *TOKEN_COLUMNS,
    *COST_COLUMNS,
    "total_cost",
    "message_count",
]


def aggregate_ledger(warehouse: PostgresWarehouse, window: dg.TimeWindow, timezone: str) -> pd.DataFrame:
    """The ledger's calls of `window` summed per agent, day and model."""
    with warehouse.connect() as conn, conn.cursor() as cur:
        cur.execute(_AGGREGATE, {"tz": timezone, "start": window.start, "end": window.end})
        rows = cur.fetchall()
        names = [d.name for d in cur.description or []]
    frame = pd.DataFrame(rows, columns=names)
    for column in (*TOKEN_COLUMNS, "message_count"):
        frame[column] = frame[column].astype("int64")
    frame["recorded_cost_usd"] = frame["recorded_cost_usd"].astype("float64")
    return frame


def priced_usage_by_model(
    warehouse: PostgresWarehouse, window: dg.TimeWindow
) -> tuple[pd.DataFrame, PriceTable]:
    """The window's ledger summed per agent, day and model, with costs from the pricing table."""
    settings = get_settings()
    prices = PriceTable.load(settings.pricing_file)
    usage = aggregate_ledger(warehouse, window, settings.usage_timezone)
    return price_usage(usage, prices)[BY_MODEL_COLUMNS], prices


@daily_usage_asset(
    deps=[openclaw_usage_events],
    kinds={"postgres"},
    metadata={
        "write_mode": "replace_partition",
        "partition_expr": "date",
        "primary_key": ["agent_id", "date", "model"],
    },
    check_specs=[
        dg.AssetCheckSpec("all_models_priced", asset="agent_usage_by_model"),
        cost_check.SPEC,
    ],
)
def agent_usage_by_model(
    context: dg.AssetExecutionContext, warehouse: PostgresWarehouse, openclaw: OpenClawResource
) -> Iterator[Any]:
    """Daily tokens and cost per agent and model, summed in Postgres from the ledger."""
    window = context.partition_time_window
    priced, prices = priced_usage_by_model(warehouse, window)
    unpriced = sorted(set(priced.loc[~priced["priced"], "model"]))
    if unpriced:
        context.log.warning(f"no price for {', '.join(unpriced)}: tokens counted, cost left empty")
    yield dg.Output(
        priced, metadata={"unpriced_models": ", ".join(unpriced) or "none", "pricing": prices.source}
    )
    yield checks.all_models_priced(priced, prices.source)
    # OpenClaw's own rates (openclaw.json) tell a price-list difference from a wrong token count.
    timezone = get_settings().usage_timezone
    yield cost_check.cost_matches_recorded(warehouse, window, timezone, priced, prices, openclaw.state_dir())


def roll_up_by_agent(by_model: pd.DataFrame) -> pd.DataFrame:
    """One row per agent and day; `model` is the day's costliest model (then most tokens, then name)."""
    if by_model.empty:
        return pd.DataFrame(columns=AGENT_USAGE_COLUMNS)
    frame = by_model.copy()
    for column in (*COST_COLUMNS, "total_cost"):
        frame[column] = frame[column].astype("float64")
    frame["tokens"] = frame[list(TOKEN_COLUMNS)].sum(axis=1)
    ranked = frame.assign(rank_cost=frame["total_cost"].fillna(-1.0)).sort_values(
        ["agent_id", "date", "rank_cost", "tokens", "model"], ascending=[True, True, False, False, True]
    )
    top_model = ranked.groupby(["agent_id", "date"], sort=True)["model"].first()
    sums = frame.groupby(["agent_id", "date"], sort=True)[
        [*TOKEN_COLUMNS, *COST_COLUMNS, "total_cost", "message_count"]
    ].sum(min_count=0)
    out = sums.join(top_model).reset_index()
    for column in (*COST_COLUMNS, "total_cost"):
        out[column] = out[column].round(10)
    return out[AGENT_USAGE_COLUMNS]


@daily_usage_asset(
    deps=[openclaw_usage_events],
    kinds={"postgres"},
    metadata={
        "write_mode": "replace_partition",
        "partition_expr": "date",
        "primary_key": ["agent_id", "date"],
    },
    check_specs=[
        dg.AssetCheckSpec("tokens_non_negative", asset="agent_usage"),
        dg.AssetCheckSpec(
            "totals_match_ledger", asset="agent_usage", additional_deps=[openclaw_usage_events]
        ),
    ],
)
def agent_usage(context: dg.AssetExecutionContext, warehouse: PostgresWarehouse) -> Iterator[Any]:
    """Daily tokens and USD cost per agent: the Mission Control usage table."""
    # From the ledger itself, like agent_usage_by_model: correct whichever of the two a run selects.
    by_model, _prices = priced_usage_by_model(warehouse, context.partition_time_window)
    usage = roll_up_by_agent(by_model)
    single_day = len(context.partition_keys) == 1
    yield dg.Output(usage, metadata=usage_metadata(usage, single_day=single_day))
    yield checks.usage_tokens_non_negative(usage)
    yield checks.usage_matches_ledger(warehouse, context.partition_time_window, usage)
