"""Usage asset checks, evaluated in the same run right after the write, on the run's own window.

They are returned by the assets themselves (check_specs) so that each one sees exactly the
partitions its run wrote, single day or backfill range.
"""

from typing import Any

import dagster as dg
import pandas as pd

from mission_pipeline.defs.gateway import gateway_key
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.pricing.catalog import Pricing
from mission_pipeline.pricing.fallback import fallback_source
from mission_pipeline.warehouse.resource import PostgresWarehouse

# agent_usage and agent_usage_by_model are one multi-asset: a check result names its asset.
AGENT_USAGE = gateway_key("agent_usage")
AGENT_USAGE_BY_MODEL = gateway_key("agent_usage_by_model")
_LEDGER_WINDOW = "from openclaw_usage_events where occurred_at >= %s and occurred_at < %s"
_TOKENS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")


def _one(warehouse: PostgresWarehouse, statement: str, params: tuple[Any, ...]) -> tuple[Any, ...]:
    with warehouse.connect() as conn:
        row = conn.execute(statement, params).fetchone()
    assert row is not None
    return tuple(row)


def ledger_tokens_non_negative(warehouse: PostgresWarehouse, window: dg.TimeWindow) -> dg.AssetCheckResult:
    """No ledger row of the window has a negative token count."""
    condition = " or ".join(f"{c} < 0" for c in _TOKENS)
    (bad,) = _one(
        warehouse, f"select count(*) {_LEDGER_WINDOW} and ({condition})", (window.start, window.end)
    )
    return dg.AssetCheckResult(
        check_name="tokens_non_negative", passed=bad == 0, metadata={"negative_rows": int(bad)}
    )


def source_lines_readable(problems: ProblemLog) -> dg.AssetCheckResult:
    """Warns when transcript lines or rows were skipped; names them."""
    return dg.AssetCheckResult(
        check_name="source_lines_readable",
        passed=problems.count == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "unreadable": problems.count,
            "first_problems": dg.MetadataValue.md(
                "\n".join(f"- `{p}`" for p in problems.lines(20)) or "none"
            ),
        },
    )


def usage_matches_ledger(
    warehouse: PostgresWarehouse, window: dg.TimeWindow, usage: pd.DataFrame
) -> dg.AssetCheckResult:
    """agent_usage's token sums and call counts equal the ledger's for the same window."""
    columns = ", ".join(f"coalesce(sum({c}), 0)" for c in _TOKENS)
    ledger = _one(warehouse, f"select {columns}, count(*) {_LEDGER_WINDOW}", (window.start, window.end))
    written = (*(int(usage[c].sum()) for c in _TOKENS), int(usage["message_count"].sum()))
    names = [*_TOKENS, "message_count"]
    return dg.AssetCheckResult(
        check_name="totals_match_ledger",
        asset_key=AGENT_USAGE,
        passed=tuple(int(v) for v in ledger) == written,
        metadata={f"ledger_{n}": int(v) for n, v in zip(names, ledger, strict=True)}
        | {f"agent_usage_{n}": v for n, v in zip(names, written, strict=True)},
    )


def usage_tokens_non_negative(usage: pd.DataFrame) -> dg.AssetCheckResult:
    """No agent_usage row has a negative token count or cost."""
    numeric = [*_TOKENS, "total_cost", "message_count"]
    bad = int((usage[numeric] < 0).any(axis=1).sum()) if len(usage) else 0
    return dg.AssetCheckResult(
        check_name="tokens_non_negative",
        asset_key=AGENT_USAGE,
        passed=bad == 0,
        metadata={"negative_rows": bad},
    )


def all_models_priced(by_model: pd.DataFrame, pricing: Pricing) -> dg.AssetCheckResult:
    """Warns about models no price table knows (their tokens count, their cost is null); names the
    models the pricing table does not list but the fallback table priced, which is not a fault."""
    unpriced = by_model[~by_model["priced"].astype(bool)]
    source = by_model["price_source"]
    fallback = by_model[source.notna() & (source != pricing.table.source)]
    models, by_fallback = sorted(set(unpriced["model"])), sorted(set(fallback["model"]))
    return dg.AssetCheckResult(
        check_name="all_models_priced",
        asset_key=AGENT_USAGE_BY_MODEL,
        passed=not models,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"{len(models)} model(s) unpriced; {len(by_fallback)} priced by the fallback table"
            if models or by_fallback
            else f"every model priced by {pricing.table.source}"
        ),
        metadata={
            "unpriced_models": ", ".join(models) or "none",
            "unpriced_calls": int(unpriced["message_count"].sum()),
            "priced_by_fallback": ", ".join(by_fallback) or "none",
            "fallback_calls": int(fallback["message_count"].sum()),
            "pricing_table": pricing.table.source,
            "fallback_table": fallback_source() if pricing.fallback is not None else "none",
        },
    )
