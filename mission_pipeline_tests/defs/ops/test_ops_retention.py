"""run_retention_sensor: old finished runs tagged frequent go; recent, unfinished and untagged runs stay."""

import datetime as dt
from collections.abc import Callable

import dagster as dg
import pytest
from dagster._core.definitions.sensor_definition import SensorExecutionData

from mission_pipeline.definitions import defs
from mission_pipeline.defs.env_resources import resources_from_env
from mission_pipeline.defs.gateway import GATEWAY_TAG
from mission_pipeline.defs.ops import retention
from mission_pipeline.defs.ops.retention import purge_old_runs, run_retention_sensor
from mission_pipeline.defs.resources import RunRetentionResource
from mission_pipeline.settings import Settings

KEEP_DAYS = 14


def tick_with(instance: dg.DagsterInstance, retention: RunRetentionResource) -> SensorExecutionData:
    """One tick of the retention sensor with `retention`."""
    context = dg.build_sensor_context(instance=instance, resources={"run_retention": retention})
    return run_retention_sensor.evaluate_tick(context)


def tiny_job(name: str, *, fails: bool = False) -> dg.JobDefinition:
    """A one-op job with the name and run tags of a project job, so its runs look like the real ones."""

    @dg.op(name="step")
    def step() -> None:
        if fails:
            raise RuntimeError("this run fails on purpose")

    @dg.job(name=name, tags=defs.resolve_job_def(name).run_tags)
    def _job() -> None:
        step()

    return _job


def make_runs(instance: dg.DagsterInstance) -> dict[str, str]:
    """One run per case, created now; label -> run id."""
    runs = {
        label: tiny_job("cron_job", fails=fails)
        .execute_in_process(instance=instance, raise_on_error=False)
        .run_id
        for label, fails in [("cron ok", False), ("cron failed", True)]
    }
    # The other cases only need a run record: executing each would cost a second apiece.
    for label, name, status in [
        ("workspace ok", "workspace_job", dg.DagsterRunStatus.SUCCESS),
        ("usage refresh canceled", "usage_refresh_job", dg.DagsterRunStatus.CANCELED),
        ("usage daily ok", "usage_job", dg.DagsterRunStatus.SUCCESS),  # not frequent: backfill history
        ("cron running", "cron_job", dg.DagsterRunStatus.STARTED),  # still going: never deleted
    ]:
        job = tiny_job(name)
        runs[label] = instance.create_run_for_job(job, status=status, tags=job.run_tags).run_id
    # The tag decides, not the name: a run of cron_job launched without the job's tags is kept.
    runs["untagged cron ok"] = instance.create_run_for_job(
        tiny_job("cron_job"), status=dg.DagsterRunStatus.SUCCESS
    ).run_id
    # Another gateway's runs are its own code location's to purge, by its own retention.
    other = tiny_job("cron_job")
    runs["other gateway's cron ok"] = instance.create_run_for_job(
        other, status=dg.DagsterRunStatus.SUCCESS, tags={**other.run_tags, GATEWAY_TAG: "vps2"}
    ).run_id
    return runs


def remaining(instance: dg.DagsterInstance, runs: dict[str, str]) -> set[str]:
    """Labels of the runs still in the instance."""
    return {label for label, run_id in runs.items() if instance.get_run_by_id(run_id) is not None}


KEPT = {"usage daily ok", "cron running", "untagged cron ok", "other gateway's cron ok"}


def test_purge_deletes_old_finished_runs_tagged_frequent_only(instance: dg.DagsterInstance) -> None:
    runs = make_runs(instance)
    created = dt.datetime.now(dt.UTC)
    # Seen from just under KEEP_DAYS later the runs are recent: nothing goes.
    assert purge_old_runs(instance, KEEP_DAYS, created + dt.timedelta(days=KEEP_DAYS, hours=-1)) == 0
    assert remaining(instance, runs) == set(runs)
    # From just over KEEP_DAYS later they are old.
    assert purge_old_runs(instance, KEEP_DAYS, created + dt.timedelta(days=KEEP_DAYS, hours=1)) == 4
    assert remaining(instance, runs) == KEPT
    assert not instance.all_logs(runs["cron ok"])  # its event log went with it


def test_a_backlog_is_purged_in_batches(
    instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = make_runs(instance)
    monkeypatch.setattr(retention, "_BATCH", 1)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=KEEP_DAYS + 1)
    assert purge_old_runs(instance, KEEP_DAYS, later) == 4
    assert remaining(instance, runs) == KEPT


def test_the_sensor_keeps_recent_runs(instance: dg.DagsterInstance) -> None:
    runs = make_runs(instance)
    resources = {"run_retention": RunRetentionResource()}  # the default: KEEP_DAYS
    result = run_retention_sensor.evaluate_tick(
        dg.build_sensor_context(instance=instance, resources=resources)
    )
    assert not result.run_requests
    assert result.skip_message == f"deleted 0 finished runs older than {KEEP_DAYS} days"
    assert remaining(instance, runs) == set(runs)


def test_retention_zero_keeps_every_run(instance: dg.DagsterInstance) -> None:
    resources = {"run_retention": RunRetentionResource(keep_days=0)}
    result = run_retention_sensor.evaluate_tick(
        dg.build_sensor_context(instance=instance, resources=resources)
    )
    assert result.skip_message == "RUN_RETENTION_DAYS=0: keeping every run"


def test_retention_days_come_from_the_environment_as_the_definitions_read_it(
    instance: dg.DagsterInstance, environment: Callable[..., None]
) -> None:
    environment(RUN_RETENTION_DAYS="0")
    retention = resources_from_env(Settings())["run_retention"]
    assert isinstance(retention, RunRetentionResource)
    assert tick_with(instance, retention).skip_message == "RUN_RETENTION_DAYS=0: keeping every run"
