"""Daily usage per agent, model and price tier, and per agent: summed in Postgres from the ledger, priced."""

from collections.abc import Iterator
from typing import Any

import dagster as dg
import pandas as pd

from mission_pipeline.defs.resources import OpenClawResource
from mission_pipeline.defs.usage import checks, cost_check
from mission_pipeline.defs.usage.ledger import openclaw_usage_events
from mission_pipeline.defs.usage.partitions import daily_usage_asset
from mission_pipeline.defs.usage.priced_usage import priced_usage_by_model
from mission_pipeline.defs.usage.summary import usage_metadata
from mission_pipeline.pricing.catalog import Pricing
from mission_pipeline.pricing.costs import COST_COLUMNS, RATE_COLUMNS, TOKEN_COLUMNS
from mission_pipeline.settings import get_settings
from mission_pipeline.warehouse.resource import PostgresWarehouse

AGENT_USAGE_COLUMNS = [
    "agent_id",
    "date",
    "model",
    *TOKEN_COLUMNS,
    *COST_COLUMNS,
    "total_cost",
    "message_count",
]


def load_pricing() -> Pricing:
    """The pricing table PRICING_FILE names (or the shipped one), with genai-prices behind it."""
    return Pricing.load(get_settings().pricing_file)


@daily_usage_asset(
    deps=[openclaw_usage_events],
    kinds={"postgres"},
    metadata={
        "write_mode": "replace_partition",
        "partition_expr": "date",
        "primary_key": ["agent_id", "date", "model", "price_tier"],
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
    timezone = get_settings().usage_timezone
    pricing = load_pricing()
    priced = priced_usage_by_model(warehouse, window, timezone, pricing)
    unpriced = sorted(set(priced.loc[~priced["priced"], "model"]))
    if unpriced:
        context.log.warning(f"no price for {', '.join(unpriced)}: tokens counted, cost left empty")
    metadata: dict[str, dg.RawMetadataValue] = {
        "unpriced_models": ", ".join(unpriced) or "none",
        "pricing": pricing.source,
        "rates_applied": dg.MetadataValue.md(rates_applied(priced)),
    }
    yield dg.Output(priced, metadata=metadata)
    yield checks.all_models_priced(priced, pricing)
    # OpenClaw's own rates (openclaw.json) tell a price-list difference from a wrong token count.
    yield cost_check.cost_matches_recorded(
        warehouse, window, timezone, priced, pricing, openclaw.state_dir_path()
    )


def rates_applied(priced: pd.DataFrame) -> str:
    """Each model's tier with its rates and their source: where every cost of the run came from."""
    columns = ["model", "price_tier", "price_source", *RATE_COLUMNS]
    if priced.empty:
        return "no usage"
    applied = priced[columns].drop_duplicates().sort_values(["model", "price_tier"])
    return str(applied.to_markdown(index=False))


def roll_up_by_agent(by_model: pd.DataFrame) -> pd.DataFrame:
    """One row per agent and day; `model` is the day's costliest model (then most tokens, then name).

    cache_write_cost holds both kinds of cache write; total_cost is what was charged (a provider-billed
    total where there is one), so it can differ from the sum of the four costs.
    """
    if by_model.empty:
        return pd.DataFrame(columns=AGENT_USAGE_COLUMNS)
    frame = by_model.copy()
    for column in (*COST_COLUMNS, "total_cost"):
        frame[column] = frame[column].astype("float64")
    frame["tokens"] = frame[list(TOKEN_COLUMNS)].sum(axis=1)
    # A model's rows (one per price tier) count together when the day's top model is chosen.
    per_model = frame.groupby(["agent_id", "date", "model"], sort=True, as_index=False).agg(
        total_cost=("total_cost", lambda costs: costs.sum(min_count=1)), tokens=("tokens", "sum")
    )
    ranked = per_model.assign(rank_cost=per_model["total_cost"].fillna(-1.0)).sort_values(
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
    window = context.partition_time_window
    by_model = priced_usage_by_model(warehouse, window, get_settings().usage_timezone, load_pricing())
    usage = roll_up_by_agent(by_model)
    single_day = len(context.partition_keys) == 1
    yield dg.Output(usage, metadata=usage_metadata(usage, single_day=single_day))
    yield checks.usage_tokens_non_negative(usage)
    yield checks.usage_matches_ledger(warehouse, context.partition_time_window, usage)
