"""Everything of the budgets domain, as one Definitions object."""

import dagster as dg

from mission_pipeline.defs.budgets.assets import usage_budget_status
from mission_pipeline.defs.gateway import GATEWAY_ID, GATEWAY_TAG
from mission_pipeline.defs.run_tags import FREQUENT, MONITORED, MONITORED_TAG, RETENTION_TAG
from mission_pipeline.defs.usage.checks import AGENT_USAGE

budget_job = dg.define_asset_job(
    "budget_job",
    selection=[usage_budget_status],
    description="Budget status in the current period; alerts recorded, then sent.",
    tags={GATEWAY_TAG: GATEWAY_ID, MONITORED_TAG: MONITORED, RETENTION_TAG: FREQUENT},
)


@dg.asset_sensor(
    asset_key=AGENT_USAGE,
    job=budget_job,
    name="budget_sensor",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="After every write of agent_usage (a refresh, a rerun, a backfill), the budget status.",
)
def budget_sensor(context: dg.SensorEvaluationContext, asset_event: dg.EventLogEntry) -> dg.RunRequest:
    """One budget run per agent_usage materialization (the daemon skips a run key it already ran)."""
    return dg.RunRequest(run_key=f"{asset_event.run_id}:{asset_event.timestamp}")


defs = dg.Definitions(assets=[usage_budget_status], jobs=[budget_job], sensors=[budget_sensor])
