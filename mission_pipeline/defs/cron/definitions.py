"""Everything of the cron domain."""

import dagster as dg

from mission_pipeline.defs.cron.assets import cron_job_runs, cron_jobs
from mission_pipeline.defs.cron.schedules import cron_job, cron_schedule

defs = dg.Definitions(assets=[cron_jobs, cron_job_runs], jobs=[cron_job], schedules=[cron_schedule])
