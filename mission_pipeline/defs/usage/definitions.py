"""Everything of the usage domain, as one Definitions object."""

import dagster as dg

from mission_pipeline.defs.usage.ledger import openclaw_usage_events
from mission_pipeline.defs.usage.rollups import agent_usage_rollups
from mission_pipeline.defs.usage.schedules import (
    usage_daily_schedule,
    usage_hourly_schedule,
    usage_job,
    usage_refresh_job,
)
from mission_pipeline.defs.usage.sensors import openclaw_usage_sensor
from mission_pipeline.defs.usage.sessions import openclaw_session_dumps

defs = dg.Definitions(
    assets=[openclaw_session_dumps, openclaw_usage_events, agent_usage_rollups],
    jobs=[usage_job, usage_refresh_job],
    schedules=[usage_daily_schedule, usage_hourly_schedule],
    sensors=[openclaw_usage_sensor],
)
