"""usage_budget_status: every budget in its current period, its checks, and the alerts it raises."""

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import dagster as dg
import pandas as pd

from mission_pipeline.budgets import outbox
from mission_pipeline.budgets.alerts import UNUSUAL_WINDOW, Alert, budget_alerts, unusual_day_alerts
from mission_pipeline.budgets.periods import period_bounds
from mission_pipeline.budgets.status import FORECAST_METHOD, BudgetStatus, budget_status
from mission_pipeline.budgets.tables import daily_spend, read_budgets, spent
from mission_pipeline.defs.gateway import gateway_key
from mission_pipeline.defs.resources import AlertWebhookResource, UsageClockResource
from mission_pipeline.defs.retries import warehouse_asset
from mission_pipeline.settings import get_settings
from mission_pipeline.warehouse.io_manager import TableOutput
from mission_pipeline.warehouse.resource import PostgresWarehouse
from mission_pipeline.webhook import post_webhook

STATUS = gateway_key("usage_budget_status")
STATUS_COLUMNS = [
    "budget_id", "agent_id", "period", "period_start", "period_end", "spent_usd", "limit_usd",
    "share_used", "forecast_usd", "forecast_method", "thresholds_crossed", "as_of",
]  # fmt: skip
_BELOW_WARNING = dg.AssetCheckSpec(
    "spend_below_warning", asset=STATUS, description="No budget has reached a share it warns at (warns)."
)
_WITHIN_LIMIT = dg.AssetCheckSpec(
    "spend_within_limit", asset=STATUS, description="No budget has reached its limit (an error)."
)


def status_frame(statuses: list[BudgetStatus]) -> pd.DataFrame:
    """One row per budget, columns as in usage_budget_status."""
    rows = [
        (
            s.budget.id, s.budget.agent_id, s.budget.period, s.period_start, s.period_end, s.spent_usd,
            s.budget.limit_usd, round(s.share_used, 10), s.forecast_usd, FORECAST_METHOD,
            "{" + ",".join(str(share) for share in s.crossed) + "}", s.as_of,
        )
        for s in statuses
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=STATUS_COLUMNS)
    frame["as_of"] = pd.to_datetime(frame["as_of"], utc=True)
    return frame


def _check(spec: dg.AssetCheckSpec, over: list[BudgetStatus], severity: dg.AssetCheckSeverity) -> Any:
    table = "\n".join(
        f"| {s.budget.scope} | {s.budget.period} {s.period_label} | {float(s.share_used):.0%} |" for s in over
    )
    return dg.AssetCheckResult(
        check_name=spec.name,
        asset_key=STATUS,
        passed=not over,
        severity=severity,
        metadata={
            "budgets": len(over),
            "over": dg.MetadataValue.md(
                f"| budget | period | used |\n|---|---|---|\n{table}" if over else "none"
            ),
        },
    )


@warehouse_asset(
    group_name="budgets",
    kinds={"python", "postgres"},
    deps=[gateway_key("agent_usage")],
    metadata={"write_mode": "sync", "primary_key": ["budget_id", "period_start"]},
    check_specs=[_BELOW_WARNING, _WITHIN_LIMIT],
)
def usage_budget_status(
    context: dg.AssetExecutionContext,
    warehouse: PostgresWarehouse,
    alert_webhook: AlertWebhookResource,
    usage_clock: UsageClockResource,
) -> Iterator[Any]:
    """Each budget of usage_budgets in its current period: spent, limit, share used and forecast."""
    # Alerts for the thresholds crossed and for unusual days are recorded in the outbox before this
    # asset's rows are written, then the outbox is delivered to ALERT_WEBHOOK_URL.
    as_of, timezone = usage_clock.now(), get_settings().usage_timezone
    link = alert_webhook.asset_link(STATUS)
    day = as_of.astimezone(ZoneInfo(timezone)).date()
    with warehouse.connect() as conn:
        budgets, unusable = read_budgets(conn)
        statuses = []
        for budget in budgets:
            start, end = period_bounds(budget.period, as_of, timezone)
            statuses.append(budget_status(budget, spent(conn, budget.agent_id, start, end), as_of, timezone))
        history = daily_spend(conn, day - dt.timedelta(days=UNUSUAL_WINDOW), day)
        alerts: list[Alert] = [a for s in statuses for a in budget_alerts(s, link)]
        alerts += unusual_day_alerts(history, day, alert_webhook.asset_link(gateway_key("agent_usage")))
        # Recorded before anything is sent: a webhook that is down, or a crash, loses none.
        with conn.transaction():
            recorded = outbox.record(conn, alerts)
    for budget_id, why in unusable.items():
        context.log.warning(f"usage_budgets row {budget_id} is not a usable budget and was skipped: {why}")
    yield dg.Output(
        TableOutput.of(status_frame(statuses)),
        metadata={
            "as_of": as_of.isoformat(),
            "budgets": len(statuses),
            "unusable_budgets": len(unusable),
            "alerts_recorded": len(recorded),
            "forecast": FORECAST_METHOD,
        },
    )
    over_limit = [s for s in statuses if s.share_used >= 1]
    warned = [s for s in statuses if s.crossed and s not in over_limit]
    yield _check(_BELOW_WARNING, warned + over_limit, dg.AssetCheckSeverity.WARN)
    yield _check(_WITHIN_LIMIT, over_limit, dg.AssetCheckSeverity.ERROR)
    _deliver(context, warehouse, alert_webhook)


def _deliver(
    context: dg.AssetExecutionContext, warehouse: PostgresWarehouse, webhook: AlertWebhookResource
) -> None:
    """Send what the outbox holds; a webhook that fails keeps its alerts for the next run."""
    with warehouse.connect() as conn:
        if webhook.url is None:
            waiting = outbox.pending_count(conn)
            if waiting:
                context.log.warning(f"{waiting} alerts wait in the outbox: ALERT_WEBHOOK_URL is not set")
            return
        url = webhook.url
        done = outbox.deliver(conn, lambda payload: post_webhook(url, payload))
    for key in done.sent:
        context.log.info(f"alert sent: {key}")
    for key, why in done.failed.items():
        context.log.warning(f"alert {key} not accepted by the webhook ({why}); it stays in the outbox")
