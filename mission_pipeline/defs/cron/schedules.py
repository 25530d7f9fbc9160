"""Every five minutes, cron jobs and runs; a tick whose cron state has not changed launches nothing."""

import datetime as dt

import dagster as dg

from mission_pipeline.defs.cron.assets import cron_job_runs, cron_jobs
from mission_pipeline.defs.gateway import GATEWAY_ID, GATEWAY_TAG
from mission_pipeline.defs.resources import OpenClawResource
from mission_pipeline.defs.run_tags import FREQUENT, MONITORED, MONITORED_TAG, RETENTION_TAG
from mission_pipeline.openclaw.config import load_config
from mission_pipeline.openclaw.cron.fingerprint import cron_source_fingerprint
from mission_pipeline.openclaw.cron.store import cron_jobs_path
from mission_pipeline.openclaw.problems import ProblemLog

FINGERPRINT_TAG = "mission_pipeline/source_fingerprint"
# Even with no visible change, refresh at least this often (a missed change, `next_run` drifting).
MAX_SKIP = dt.timedelta(hours=1)
TICK = dt.timedelta(minutes=5)  # cron_schedule's interval
# cron_jobs is rewritten when the cron state changes, and at least every MAX_SKIP (plus a tick) when
# it does not: an hour without a run is normal. Three ticks past that, warn; a whole forced refresh
# missed, fail. A run that fails alerts by itself; this catches a schedule or daemon stopped.
CRON_FRESHNESS = dg.FreshnessPolicy.time_window(warn_window=MAX_SKIP + 3 * TICK, fail_window=2 * MAX_SKIP)

cron_job = dg.define_asset_job(
    "cron_job",
    selection=[cron_jobs, cron_job_runs],
    description="Cron jobs and their run history.",
    tags={GATEWAY_TAG: GATEWAY_ID, MONITORED_TAG: MONITORED, RETENTION_TAG: FREQUENT},
)


@dg.schedule(
    job=cron_job,
    cron_schedule="*/5 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def cron_schedule(
    context: dg.ScheduleEvaluationContext, openclaw: OpenClawResource
) -> dg.RunRequest | dg.SkipReason:
    """Sync cron jobs and runs, unless nothing changed since the last successful sync."""
    check = openclaw.check()
    if not check.ok:
        # Not a run every 5 minutes that fails the same way: the hourly jobs fail and alert on it.
        return dg.SkipReason(check.refusal("no sync launched"))
    state_dir = check.path
    jobs_path = cron_jobs_path(state_dir, load_config(state_dir, problems=ProblemLog()))
    fingerprint = cron_source_fingerprint(state_dir, jobs_path)
    # The latest successful sync, not any with this fingerprint: state can change and change back.
    last = context.instance.get_run_records(
        dg.RunsFilter(job_name=cron_job.name, statuses=[dg.DagsterRunStatus.SUCCESS]), limit=1
    )
    # The tick's own time, not the clock: a late or replayed tick judges the hour as it was due.
    now = context.scheduled_execution_time or dt.datetime.now(dt.UTC)
    if (
        last
        and last[0].dagster_run.tags.get(FINGERPRINT_TAG) == fingerprint
        and last[0].create_timestamp > now - MAX_SKIP
    ):
        return dg.SkipReason(f"cron state unchanged since run {last[0].dagster_run.run_id[:8]}")
    return dg.RunRequest(tags={FINGERPRINT_TAG: fingerprint})
