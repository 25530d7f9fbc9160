"""Daily usage per agent, model and price tier, and per agent: summed in Postgres from the ledger, priced.

Both tables come from one aggregate of the ledger (`priced_usage`), so they are one multi-asset: a run
prices the window once and writes whichever of the two it selected.
"""

from collections.abc import Iterator
from typing import Any

import dagster as dg
import pandas as pd

from mission_pipeline.defs.gateway import GATEWAY_ID, GATEWAY_TAG, where_it_ran
from mission_pipeline.defs.resources import OpenClawResource, PricingResource
from mission_pipeline.defs.retries import DATABASE_RETRY, retry_transient_only
from mission_pipeline.defs.usage import checks, cost_check
from mission_pipeline.defs.usage.ledger import openclaw_usage_events
from mission_pipeline.defs.usage.partitions import usage_daily_partitions
from mission_pipeline.defs.usage.priced_usage import priced_usage_by_model
from mission_pipeline.defs.usage.summary import usage_metadata
from mission_pipeline.pricing.catalog import Pricing
from mission_pipeline.pricing.costs import COST_COLUMNS, RATE_COLUMNS, TOKEN_COLUMNS
from mission_pipeline.settings import get_settings
from mission_pipeline.warehouse.resource import PostgresWarehouse

ROLLUP_POOL = "usage_rollups"
BY_MODEL = checks.AGENT_USAGE_BY_MODEL
BY_AGENT = checks.AGENT_USAGE
AGENT_USAGE_COLUMNS = [
    "agent_id",
    "date",
    "model",
    *TOKEN_COLUMNS,
    *COST_COLUMNS,
    "total_cost",
    "message_count",
]


def rates_applied(priced: pd.DataFrame) -> str:
    """Each model's tier with its rates and their source: where every cost of the run came from."""
    columns = ["model", "price_tier", "price_source", *RATE_COLUMNS]
    if priced.empty:
        return "no usage"
    applied = priced[columns].drop_duplicates().sort_values(["model", "price_tier"])
    return str(applied.to_markdown(index=False))


def by_model_output(
    context: dg.AssetExecutionContext, by_model: pd.DataFrame, pricing: Pricing, gateway_id: str
) -> dg.Output[pd.DataFrame]:
    """agent_usage_by_model's rows, with the models left unpriced and the rates every cost came from."""
    unpriced = sorted(set(by_model.loc[~by_model["priced"], "model"]))
    if unpriced:
        context.log.warning(f"no price for {', '.join(unpriced)}: tokens counted, cost left empty")
    metadata: dict[str, dg.RawMetadataValue] = {
        **where_it_ran(gateway_id),
        "unpriced_models": ", ".join(unpriced) or "none",
        "pricing": pricing.source,
        "rates_applied": dg.MetadataValue.md(rates_applied(by_model)),
    }
    return dg.Output(by_model, output_name=BY_MODEL.to_python_identifier(), metadata=metadata)


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


_ALL_MODELS_PRICED = dg.AssetCheckSpec(
    "all_models_priced",
    asset=BY_MODEL,
    description="Every model of the window has a price (warns; an unpriced model's cost is left empty).",
)
_TOKENS_NON_NEGATIVE = dg.AssetCheckSpec(
    "tokens_non_negative",
    asset=BY_AGENT,
    description="No agent_usage row has a negative token count, cost or call count.",
)
_TOTALS_MATCH_LEDGER = dg.AssetCheckSpec(
    "totals_match_ledger",
    asset=BY_AGENT,
    additional_deps=[openclaw_usage_events],
    description="agent_usage's token sums and call counts equal the ledger's for the same window.",
)


# One step prices the window once for both tables; a run that selects one writes only that one.
# A spec without an IO manager key is a Nothing output: the key makes the frames go to the warehouse.
@dg.multi_asset(
    name="agent_usage_rollups",
    specs=[
        dg.AssetSpec(
            BY_MODEL,
            deps=[openclaw_usage_events],
            kinds={"postgres"},
            tags={GATEWAY_TAG: GATEWAY_ID},
            description="Daily tokens and cost per agent and model, summed in Postgres from the ledger.",
            metadata={
                "write_mode": "replace_partition",
                "partition_expr": "date",
                "primary_key": ["agent_id", "date", "model", "price_tier"],
            },
        ).with_io_manager_key("io_manager"),
        dg.AssetSpec(
            BY_AGENT,
            deps=[openclaw_usage_events],
            kinds={"postgres"},
            tags={GATEWAY_TAG: GATEWAY_ID},
            description="Daily tokens and USD cost per agent: the Mission Control usage table.",
            metadata={
                "write_mode": "replace_partition",
                "partition_expr": "date",
                "primary_key": ["agent_id", "date"],
            },
        ).with_io_manager_key("io_manager"),
    ],
    check_specs=[_ALL_MODELS_PRICED, cost_check.SPEC, _TOKENS_NON_NEGATIVE, _TOTALS_MATCH_LEDGER],
    can_subset=True,
    group_name="usage",
    partitions_def=usage_daily_partitions,
    # A backfill of any range is one run that prices it once; database hiccups are retried.
    backfill_policy=dg.BackfillPolicy.single_run(),
    # Every gateway's code location rolls up every gateway's ledger: in a pool limited to one step
    # (dagster.production.yaml), the last rollup of a day always reads every ledger write before it.
    pool=ROLLUP_POOL,
    retry_policy=DATABASE_RETRY,
)
@retry_transient_only
def agent_usage_rollups(
    context: dg.AssetExecutionContext,
    warehouse: PostgresWarehouse,
    openclaw: OpenClawResource,
    pricing: PricingResource,
) -> Iterator[Any]:
    """The ledger's window priced once, written per agent and model and per agent (the selected ones)."""
    window = context.partition_time_window
    timezone = get_settings().usage_timezone
    prices = pricing.load()
    by_model = priced_usage_by_model(warehouse, window, timezone, prices)
    selected = context.selected_asset_check_keys
    if BY_MODEL in context.selected_asset_keys:
        yield by_model_output(context, by_model, prices, openclaw.gateway_id)
    if _ALL_MODELS_PRICED.key in selected:
        yield checks.all_models_priced(by_model, prices)
    if cost_check.SPEC.key in selected:
        # OpenClaw's own rates (openclaw.json) tell a price-list difference from a wrong token count.
        yield cost_check.cost_matches_recorded(
            warehouse, window, timezone, by_model, prices, openclaw.state_dir_path(), openclaw.gateway_id
        )
    usage = roll_up_by_agent(by_model)
    if BY_AGENT in context.selected_asset_keys:
        single_day = len(context.partition_keys) == 1
        yield dg.Output(
            usage,
            output_name=BY_AGENT.to_python_identifier(),
            metadata={**where_it_ran(openclaw.gateway_id), **usage_metadata(usage, single_day=single_day)},
        )
    if _TOKENS_NON_NEGATIVE.key in selected:
        yield checks.usage_tokens_non_negative(usage)
    if _TOTALS_MATCH_LEDGER.key in selected:
        yield checks.usage_matches_ledger(warehouse, window, usage)
