"""Usage jobs and schedules: the day that just ended at midnight, today every hour."""

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg

from mission_pipeline.defs.gateway import GATEWAY_ID, GATEWAY_TAG
from mission_pipeline.defs.run_tags import FREQUENT, MONITORED, MONITORED_TAG, RETENTION_TAG
from mission_pipeline.defs.usage.ledger import openclaw_usage_events
from mission_pipeline.defs.usage.partitions import usage_daily_partitions
from mission_pipeline.defs.usage.rollups import agent_usage_rollups
from mission_pipeline.defs.usage.sessions import openclaw_session_dumps
from mission_pipeline.settings import get_settings

_USAGE = dg.AssetSelection.assets(openclaw_usage_events, agent_usage_rollups)

# Its runs are the usage history of every day (and every backfill): kept whatever the retention.
usage_job = dg.define_asset_job(
    "usage_job",
    selection=_USAGE,
    description="Usage events, then per-model and per-agent usage for a day.",
    tags={GATEWAY_TAG: GATEWAY_ID, MONITORED_TAG: MONITORED},
)
usage_refresh_job = dg.define_asset_job(
    "usage_refresh_job",
    selection=_USAGE | dg.AssetSelection.assets(openclaw_session_dumps),
    description="Today's usage and the session dump.",
    tags={GATEWAY_TAG: GATEWAY_ID, MONITORED_TAG: MONITORED, RETENTION_TAG: FREQUENT},
)
_TIMEZONE = get_settings().usage_timezone
# agent_usage is rewritten every hour (usage_hourly_schedule), so it is at most an hour and a run old.
# Two hours means an hourly run went missing: warn; four (three missed), the dashboard's "today" is
# hours behind: fail. A run that fails alerts by itself; this catches a schedule or daemon stopped.
USAGE_FRESHNESS = dg.FreshnessPolicy.time_window(
    warn_window=dt.timedelta(hours=2), fail_window=dt.timedelta(hours=4)
)


def _day_key(moment: dt.datetime) -> str:
    return moment.astimezone(ZoneInfo(usage_daily_partitions.timezone)).strftime("%Y-%m-%d")


@dg.schedule(
    job=usage_job,
    cron_schedule="0 0 * * *",
    execution_timezone=_TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def usage_daily_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """At midnight, the day that just ended, complete."""
    day = _day_key(context.scheduled_execution_time - dt.timedelta(hours=12))
    return dg.RunRequest(
        run_key=f"usage-day-{day}", partition_key=day, tags={"mission_pipeline/trigger": "daily"}
    )


@dg.schedule(
    job=usage_refresh_job,
    cron_schedule="0 * * * *",
    execution_timezone=_TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def usage_hourly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Every hour, today's usage so far (and the session dump), so the dashboard shows today's spend."""
    moment = context.scheduled_execution_time
    return dg.RunRequest(
        run_key=f"usage-today-{moment.isoformat()}",
        partition_key=_day_key(moment),
        tags={"mission_pipeline/trigger": "hourly"},
    )
