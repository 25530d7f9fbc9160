"""Deletes old finished runs of the frequent jobs: OSS dagster.yaml purges ticks, not runs.

A job is frequent when its runs carry the tag `RETENTION_TAG`=`FREQUENT` (see `defs.run_tags`). With
several gateways in one instance, each code location purges its own gateway's runs, by its own
RUN_RETENTION_DAYS.
"""

import datetime as dt
import time

import dagster as dg

from mission_pipeline.defs.gateway import GATEWAY_ID, GATEWAY_TAG
from mission_pipeline.defs.resources import RunRetentionResource
from mission_pipeline.defs.run_tags import FREQUENT, RETENTION_TAG

_FINISHED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]
_BATCH = 500
# A backlog (retention just turned on) is worked off in batches, well inside the sensor's 60 s timeout.
_BUDGET_SECONDS = 30.0


def purge_old_runs(
    instance: dg.DagsterInstance, keep_days: int, now: dt.datetime, gateway_id: str = GATEWAY_ID
) -> int:
    """Delete the gateway's finished runs tagged frequent created before now - keep_days; how many."""
    cutoff = now - dt.timedelta(days=keep_days)
    tags = {RETENTION_TAG: FREQUENT, GATEWAY_TAG: gateway_id}
    old = dg.RunsFilter(tags=tags, statuses=_FINISHED, created_before=cutoff)
    deadline = time.monotonic() + _BUDGET_SECONDS
    deleted = 0
    while time.monotonic() < deadline:
        records = instance.get_run_records(old, limit=_BATCH)
        for record in records:
            instance.delete_run(record.dagster_run.run_id)
            deleted += 1
        if len(records) < _BATCH:
            break
    return deleted


@dg.sensor(
    name="run_retention_sensor",
    minimum_interval_seconds=3600,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=f"Keeps RUN_RETENTION_DAYS of runs tagged {RETENTION_TAG}={FREQUENT}: the 5-minute and "
    "hourly jobs (0 keeps all).",
)
def run_retention_sensor(
    context: dg.SensorEvaluationContext, run_retention: RunRetentionResource
) -> dg.SkipReason:
    """Purges old runs of the frequent jobs so the instance does not grow without bound."""
    keep_days = run_retention.keep_days
    if keep_days <= 0:
        return dg.SkipReason("RUN_RETENTION_DAYS=0: keeping every run")
    deleted = purge_old_runs(context.instance, keep_days, dt.datetime.now(dt.UTC))
    return dg.SkipReason(f"deleted {deleted} finished runs older than {keep_days} days")
