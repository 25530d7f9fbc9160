"""Everything of the workspaces domain: the index asset and its hourly schedule."""

import dagster as dg

from mission_pipeline.defs.run_tags import FREQUENT, MONITORED, MONITORED_TAG, RETENTION_TAG
from mission_pipeline.defs.workspaces.assets import agent_workspaces

workspace_job = dg.define_asset_job(
    "workspace_job",
    selection=[agent_workspaces],
    description="Re-index every agent workspace.",
    tags={MONITORED_TAG: MONITORED, RETENTION_TAG: FREQUENT},
)
workspace_schedule = dg.ScheduleDefinition(
    name="workspace_schedule",
    job=workspace_job,
    cron_schedule="0 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Hourly workspace index.",
)
defs = dg.Definitions(assets=[agent_workspaces], jobs=[workspace_job], schedules=[workspace_schedule])
