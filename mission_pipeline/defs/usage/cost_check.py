"""`cost_matches_recorded`: does the dashboard's cost match OpenClaw's, and if not, is that expected?

The dashboard prices tokens with prices.toml; OpenClaw records a cost per call from the rates in its own
openclaw.json. The two lists differ on a fresh install (the setup document's prices against list
prices), which is not a fault. So the check passes when every difference is explained by the price
lists, and warns only when OpenClaw's own rates cannot reproduce what it recorded.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pandas as pd

from mission_pipeline.defs.usage import cost_report
from mission_pipeline.defs.usage.checks import AGENT_USAGE_BY_MODEL
from mission_pipeline.defs.usage.cost_compare import Status, compare, ledger_bands
from mission_pipeline.gateways import DEFAULT_GATEWAY, is_of_gateway
from mission_pipeline.openclaw.config import config_path, load_config
from mission_pipeline.openclaw.model_rates import ConfiguredRates
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.pricing.catalog import Pricing
from mission_pipeline.warehouse.resource import PostgresWarehouse

CHECK_NAME = "cost_matches_recorded"
SPEC = dg.AssetCheckSpec(
    CHECK_NAME,
    asset=AGENT_USAGE_BY_MODEL,
    description=(
        "Does the dashboard's cost (priced with prices.toml) match what OpenClaw recorded (priced with the "
        "rates in its openclaw.json)? Passes when they agree, or when every difference comes from the two "
        "price lists differing: OpenClaw's own rates on the ledger's token counts reproduce its recorded "
        "cost, so the tokens are right and only the prices differ. Warns when a difference is unexplained "
        "(token counts, or OpenClaw's rates changed) or cannot be explained (openclaw.json unreadable). "
        "The metadata's verdict says whether to act; its table shows both rate sets and costs per model."
    ),
)
# The dashboard's and OpenClaw's cost agree when within this fraction of what OpenClaw recorded.
AGREE_TOLERANCE = 0.01


def openclaw_rates(state_dir: Path) -> tuple[ConfiguredRates | None, str | None]:
    """OpenClaw's configured rates, or None and why they cannot be known."""
    problems = ProblemLog()
    config = load_config(state_dir, problems=problems)
    if config.path is None:
        return None, f"there is no {config_path(state_dir)}"
    if not config.valid:
        return None, "; ".join(problems.lines(3)) or f"{config.path} is unreadable"
    return config.model_rates, None


def cost_matches_recorded(
    warehouse: PostgresWarehouse,
    window: dg.TimeWindow,
    timezone: str,
    by_model: pd.DataFrame,
    pricing: Pricing,
    state_dir: Path,
    gateway_id: str = DEFAULT_GATEWAY,
) -> dg.AssetCheckResult:
    """Per model and day: reproduced with OpenClaw's rates? price lists differ? See the module doc.

    Only this gateway's calls are compared: its openclaw.json holds the rates its OpenClaw used.
    """
    rates, problem = openclaw_rates(state_dir)
    edges = rates.tier_boundaries() if rates is not None else []
    bands = ledger_bands(warehouse, window, timezone, edges, gateway_id)
    own = by_model[[is_of_gateway(gateway_id, agent) for agent in by_model["agent_id"]]]
    days = compare(bands, own, pricing, rates, edges, AGREE_TOLERANCE)
    unexplained = [d for d in days if d.status is Status.UNEXPLAINED]
    dashboard = sum(d.dashboard for d in days if d.dashboard is not None)
    recorded = sum(d.recorded for d in days)
    metadata: dict[str, dg.RawMetadataValue] = {
        "verdict": cost_report.verdict(days, pricing_source=pricing.table.source, openclaw_problem=problem),
        "models": dg.MetadataValue.md(
            cost_report.models_table(days, openclaw_unreadable=problem is not None)
        ),
        "unexplained": ", ".join(f"{d.model} on {d.day}" for d in unexplained) or "none",
        "dashboard_prices": pricing.source,
        "openclaw_rates": problem or str(config_path(state_dir)),
        "dashboard_cost_usd": round(dashboard, 6),
        "openclaw_recorded_cost_usd": round(recorded, 6),
        "difference_usd": round(dashboard - recorded, 6),
    }
    if rates is not None and rates.skipped:
        metadata["openclaw_rates_skipped"] = "; ".join(rates.skipped)
    return dg.AssetCheckResult(
        check_name=CHECK_NAME,
        asset_key=SPEC.asset_key,
        passed=all(d.status.explained for d in days),
        severity=dg.AssetCheckSeverity.WARN,
        metadata=metadata,
    )
