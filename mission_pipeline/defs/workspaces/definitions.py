"""Everything of the workspaces domain: the index asset and its hourly schedule."""

import datetime as dt

import dagster as dg

from mission_pipeline.defs.gateway import GATEWAY_ID, GATEWAY_TAG
from mission_pipeline.defs.run_tags import FREQUENT, MONITORED, MONITORED_TAG, RETENTION_TAG
from mission_pipeline.defs.workspaces.assets import agent_workspaces

workspace_job = dg.define_asset_job(
    "workspace_job",
    selection=[agent_workspaces],
    description="Re-index every agent workspace.",
    tags={GATEWAY_TAG: GATEWAY_ID, MONITORED_TAG: MONITORED, RETENTION_TAG: FREQUENT},
)
workspace_schedule = dg.ScheduleDefinition(
    name="workspace_schedule",
    job=workspace_job,
    cron_schedule="0 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Hourly workspace index.",
)
# Re-indexed every hour, so at most an hour and a run old. Two hours means an hourly run went missing:
# warn; four (three missed): fail. A run that fails alerts by itself; this catches a stopped schedule.
WORKSPACE_FRESHNESS = dg.FreshnessPolicy.time_window(
    warn_window=dt.timedelta(hours=2), fail_window=dt.timedelta(hours=4)
)
defs = dg.Definitions(
    assets=[
        agent_workspaces.map_asset_specs(lambda spec: dg.apply_freshness_policy(spec, WORKSPACE_FRESHNESS))
    ],
    jobs=[workspace_job],
    schedules=[workspace_schedule],
)
