"""cron_schedule: a tick with nothing new since the last successful sync launches nothing."""

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pytest

from mission_pipeline.definitions import defs
from mission_pipeline.defs.cron.schedules import FINGERPRINT_TAG, cron_schedule
from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline_tests.defs.domain_support import edit_json, state_sqlite
from mission_pipeline_tests.fixtures.pipeline import PipelineResources

START = dt.datetime.now(dt.UTC)


def tick(instance: dg.DagsterInstance, minutes: int, pipeline: PipelineResources) -> dg.RunRequest | None:
    """Evaluate the schedule `minutes` after START; the run it requests, or None when it skipped."""
    context = dg.build_schedule_context(
        instance=instance,
        scheduled_execution_time=START + dt.timedelta(minutes=minutes),
        resources={"openclaw": pipeline.openclaw()},
    )
    data = cron_schedule.evaluate_tick(context)
    assert data.run_requests is not None
    if not data.run_requests:
        assert "unchanged" in (data.skip_message or "")
        return None
    (request,) = data.run_requests
    return request


def launch(instance: dg.DagsterInstance, request: dg.RunRequest | None, pipeline: PipelineResources) -> None:
    """Run cron_job as the daemon would for this request."""
    assert request is not None
    assert request.tags[FINGERPRINT_TAG]
    job = defs.resolve_job_def("cron_job")
    assert job.execute_in_process(
        instance=instance, tags=request.tags, resources=pipeline.resources()
    ).success


def test_sqlite_era_ticks(
    openclaw_state: Callable[[str], Path],
    pipeline_env: DatabaseTarget,
    instance: dg.DagsterInstance,
    pipeline: PipelineResources,
) -> None:
    state = openclaw_state("v2026.9.6")
    launch(instance, tick(instance, 0, pipeline), pipeline)  # nothing synced yet
    assert tick(instance, 5, pipeline) is None
    # openclaw.sqlite is written for many reasons besides cron: those writes launch nothing.
    db = state / "state" / "openclaw.sqlite"
    os.utime(db, ns=(db.stat().st_atime_ns, db.stat().st_mtime_ns + 10**9))
    with state_sqlite(state) as conn:
        conn.execute("delete from audit_events")
    assert tick(instance, 10, pipeline) is None
    with state_sqlite(state) as conn:
        conn.execute("update cron_jobs set enabled = 0 where job_id like '94da44a8%'")
    changed = tick(instance, 15, pipeline)
    launch(instance, changed, pipeline)
    assert tick(instance, 20, pipeline) is None
    # Changed back within the hour: the table holds the changed state, so it must sync again.
    with state_sqlite(state) as conn:
        conn.execute("update cron_jobs set enabled = 1 where job_id like '94da44a8%'")
    launch(instance, tick(instance, 25, pipeline), pipeline)
    assert tick(instance, 30, pipeline) is None
    # Nothing changed for an hour: a run anyway (next_run drifts, a change may have been missed).
    assert tick(instance, 25 + 61, pipeline) is not None


def test_file_era_ticks(
    openclaw_state: Callable[[str], Path],
    pipeline_env: DatabaseTarget,
    instance: dg.DagsterInstance,
    pipeline: PipelineResources,
) -> None:
    state = openclaw_state("v2026.5.28")
    launch(instance, tick(instance, 0, pipeline), pipeline)
    assert tick(instance, 5, pipeline) is None
    jobs = state / "cron" / "jobs.json"
    os.utime(jobs, ns=(jobs.stat().st_atime_ns, jobs.stat().st_mtime_ns + 10**9))  # OpenClaw rewrote it
    launch(instance, tick(instance, 10, pipeline), pipeline)
    assert tick(instance, 15, pipeline) is None
    log = next((state / "cron" / "runs").glob("*.jsonl"))
    with log.open("a") as handle:  # a run finished
        handle.write(log.read_text().splitlines()[0].replace('"runAtMs":1', '"runAtMs":2') + "\n")
    assert tick(instance, 20, pipeline) is not None


def test_a_manual_or_failed_run_does_not_count(
    openclaw_state: Callable[[str], Path],
    pipeline_env: DatabaseTarget,
    instance: dg.DagsterInstance,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    pipeline: PipelineResources,
) -> None:
    state = openclaw_state("v2026.5.28")
    request = tick(instance, 0, pipeline)
    assert request is not None
    # The requested run fails (here: the state dir vanished while it was queued).
    pipeline.state_dir = tmp_path / "gone"
    job = defs.resolve_job_def("cron_job")
    assert not job.execute_in_process(
        instance=instance, tags=request.tags, raise_on_error=False, resources=pipeline.resources()
    ).success
    pipeline.state_dir = state
    assert tick(instance, 5, pipeline) is not None
    # A run launched from the UI carries no fingerprint: the schedule cannot tell what it read.
    assert job.execute_in_process(instance=instance, resources=pipeline.resources()).success
    assert tick(instance, 10, pipeline) is not None


def test_a_configured_store_is_watched(
    openclaw_state: Callable[[str], Path],
    pipeline_env: DatabaseTarget,
    instance: dg.DagsterInstance,
    pipeline: PipelineResources,
) -> None:
    state = openclaw_state("v2026.5.28")
    (state / "cron").rename(state / "shared-cron")
    edit_json(state / "openclaw.json", lambda d: d.update(cron={"store": "shared-cron/jobs.json"}))
    launch(instance, tick(instance, 0, pipeline), pipeline)
    assert tick(instance, 5, pipeline) is None
    jobs = state / "shared-cron" / "jobs-state.json"
    os.utime(jobs, ns=(jobs.stat().st_atime_ns, jobs.stat().st_mtime_ns + 10**9))
    assert tick(instance, 10, pipeline) is not None
