"""cron_schedule: a tick with nothing new since the last successful sync launches nothing."""

import datetime as dt
import os
from pathlib import Path

import dagster as dg

from mission_pipeline.defs.cron.schedules import FINGERPRINT_TAG, cron_schedule
from mission_pipeline_tests.defs.domain_support import edit_json, state_sqlite
from mission_pipeline_tests.defs.project import ProjectRuns

START = dt.datetime.now(dt.UTC)


def tick(project: ProjectRuns, minutes: int) -> dg.RunRequest | None:
    """Evaluate the schedule `minutes` after START; the run it requests, or None when it skipped."""
    context = dg.build_schedule_context(
        instance=project.instance,
        scheduled_execution_time=START + dt.timedelta(minutes=minutes),
        resources={"openclaw": project.resources.openclaw()},
    )
    data = cron_schedule.evaluate_tick(context)
    assert data.run_requests is not None
    if not data.run_requests:
        assert "unchanged" in (data.skip_message or "")
        return None
    (request,) = data.run_requests
    return request


def launch(project: ProjectRuns, request: dg.RunRequest | None) -> None:
    """Run cron_job as the daemon would for this request."""
    assert request is not None
    assert request.tags[FINGERPRINT_TAG]
    assert project.run("cron_job", tags=request.tags).success


def test_sqlite_era_ticks(project: ProjectRuns) -> None:
    state = project.use_sample("v2026.9.6")
    launch(project, tick(project, 0))  # nothing synced yet
    assert tick(project, 5) is None
    # openclaw.sqlite is written for many reasons besides cron: those writes launch nothing.
    db = state / "state" / "openclaw.sqlite"
    os.utime(db, ns=(db.stat().st_atime_ns, db.stat().st_mtime_ns + 10**9))
    with state_sqlite(state) as conn:
        conn.execute("delete from audit_events")
    assert tick(project, 10) is None
    with state_sqlite(state) as conn:
        conn.execute("update cron_jobs set enabled = 0 where job_id like '94da44a8%'")
    changed = tick(project, 15)
    launch(project, changed)
    assert tick(project, 20) is None
    # Changed back within the hour: the table holds the changed state, so it must sync again.
    with state_sqlite(state) as conn:
        conn.execute("update cron_jobs set enabled = 1 where job_id like '94da44a8%'")
    launch(project, tick(project, 25))
    assert tick(project, 30) is None
    # Nothing changed for an hour: a run anyway (next_run drifts, a change may have been missed).
    assert tick(project, 25 + 61) is not None


def test_file_era_ticks(project: ProjectRuns) -> None:
    state = project.use_sample("v2026.5.28")
    launch(project, tick(project, 0))
    assert tick(project, 5) is None
    jobs = state / "cron" / "jobs.json"
    os.utime(jobs, ns=(jobs.stat().st_atime_ns, jobs.stat().st_mtime_ns + 10**9))  # OpenClaw rewrote it
    launch(project, tick(project, 10))
    assert tick(project, 15) is None
    log = next((state / "cron" / "runs").glob("*.jsonl"))
    with log.open("a") as handle:  # a run finished
        handle.write(log.read_text().splitlines()[0].replace('"runAtMs":1', '"runAtMs":2') + "\n")
    assert tick(project, 20) is not None


def test_a_manual_or_failed_run_does_not_count(project: ProjectRuns, tmp_path: Path) -> None:
    state = project.use_sample("v2026.5.28")
    request = tick(project, 0)
    assert request is not None
    # The requested run fails (here: the state dir vanished while it was queued).
    project.resources.state_dir = tmp_path / "gone"
    assert not project.run("cron_job", tags=request.tags).success
    project.resources.state_dir = state
    assert tick(project, 5) is not None
    # A run launched from the UI carries no fingerprint: the schedule cannot tell what it read.
    assert project.run("cron_job").success
    assert tick(project, 10) is not None


def test_a_configured_store_is_watched(project: ProjectRuns) -> None:
    state = project.use_sample("v2026.5.28")
    (state / "cron").rename(state / "shared-cron")
    edit_json(state / "openclaw.json", lambda d: d.update(cron={"store": "shared-cron/jobs.json"}))
    launch(project, tick(project, 0))
    assert tick(project, 5) is None
    jobs = state / "shared-cron" / "jobs-state.json"
    os.utime(jobs, ns=(jobs.stat().st_atime_ns, jobs.stat().st_mtime_ns + 10**9))
    assert tick(project, 10) is not None
