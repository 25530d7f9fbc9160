"""Everything of the cron domain."""

import dagster as dg

from mission_pipeline.defs.cron.assets import cron_job_runs, cron_jobs
from mission_pipeline.defs.cron.schedules import CRON_FRESHNESS, cron_job, cron_schedule

defs = dg.Definitions(
    # The freshness its schedule gives cron_jobs; cron_job_runs is written by the same runs.
    assets=[
        cron_jobs.map_asset_specs(lambda spec: dg.apply_freshness_policy(spec, CRON_FRESHNESS)),
        cron_job_runs,
    ],
    jobs=[cron_job],
    schedules=[cron_schedule],
)
