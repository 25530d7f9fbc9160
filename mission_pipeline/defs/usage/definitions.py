"""Everything of the usage domain, as one Definitions object."""

import dagster as dg

from mission_pipeline.defs.usage.ledger import openclaw_usage_events
from mission_pipeline.defs.usage.rollups import BY_AGENT, agent_usage_rollups
from mission_pipeline.defs.usage.schedules import (
    USAGE_FRESHNESS,
    usage_daily_schedule,
    usage_hourly_schedule,
    usage_job,
    usage_refresh_job,
)
from mission_pipeline.defs.usage.sensors import openclaw_usage_sensor
from mission_pipeline.defs.usage.sessions import openclaw_session_dumps


def _fresh_agent_usage(spec: dg.AssetSpec) -> dg.AssetSpec:
    """agent_usage, the table the dashboard reads, with the freshness its hourly schedule gives it."""
    return dg.apply_freshness_policy(spec, USAGE_FRESHNESS) if spec.key == BY_AGENT else spec


defs = dg.Definitions(
    assets=[
        openclaw_session_dumps,
        openclaw_usage_events,
        agent_usage_rollups.map_asset_specs(_fresh_agent_usage),
    ],
    jobs=[usage_job, usage_refresh_job],
    schedules=[usage_daily_schedule, usage_hourly_schedule],
    sensors=[openclaw_usage_sensor],
)
