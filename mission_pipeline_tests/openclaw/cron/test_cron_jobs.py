"""Cron job snapshots from the stores (SQLite era and file era) against what the real CLI printed."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from mission_pipeline.openclaw.cron.jobs import CronSnapshot, read_cron_jobs
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline_tests.openclaw._support import (
    make_writable,
    ms_utc,
    read_jobs,
    recorded,
    state_db,
)

USER_JOBS = {
    "Weekday standup digest": ("cron 30 7 * * 1-5 (Europe/Berlin)", True),
    "Metrics sweep": ("every 2h", True),
    "Flight check-in reminder": ("at 2026-12-27 23:00 UTC", True),
    "Quarterly tax reminder": ("cron 0 9 1 1,4,7,10 * (America/Los_Angeles)", False),
}
SOURCE = {"v2026.9.6": "sqlite", "v2026.5.28": "files"}


def assert_matches_cli_list(snapshot: CronSnapshot, version: str) -> None:
    """Same jobs, names, flags, schedules and run times as `openclaw cron list --all --json` printed."""
    cli_jobs = recorded(version, "cron-list-all.json")["jobs"]
    by_id = {job.job_id: job for job in snapshot.jobs}
    assert sorted(by_id) == sorted(j["id"] for j in cli_jobs)
    assert len(snapshot.jobs) == len(cli_jobs)
    for row in cli_jobs:
        job = by_id[row["id"]]
        state = row.get("state", {})
        assert (job.name, job.enabled, job.agent_id) == (row["name"], row["enabled"], row.get("agentId"))
        assert job.last_run == ms_utc(state.get("lastRunAtMs"))
        assert job.next_run == ms_utc(state.get("nextRunAtMs"))
        assert job.last_status == state.get("lastRunStatus")
        assert job.last_duration_ms == state.get("lastDurationMs")
        assert job.schedule_json == row["schedule"]
        assert job.payload_kind == row["payload"]["kind"]


def test_store_snapshot_matches_recorded_cli(copy_sample: Callable[[str], Path], sample_version: str) -> None:
    problems = ProblemLog()
    snapshot = read_jobs(copy_sample(sample_version), problems)
    assert not problems
    assert (snapshot.source, snapshot.complete, snapshot.skipped_job_ids) == (
        SOURCE[sample_version],
        True,
        [],
    )
    assert_matches_cli_list(snapshot, sample_version)
    user = {job.name: (job.schedule, job.enabled) for job in snapshot.jobs if job.name in USER_JOBS}
    assert user == USER_JOBS
    disabled = next(job for job in snapshot.jobs if not job.enabled)
    assert (disabled.last_run, disabled.next_run, disabled.state_json) == (None, None, {})
    flight = next(job for job in snapshot.jobs if job.name == "Flight check-in reminder")
    assert flight.next_run == datetime(2026, 12, 27, 23, 0, tzinfo=UTC)
    assert flight.job_json["deleteAfterRun"] is True


def test_system_jobs_of_the_2026_9_gateway(copy_sample: Callable[[str], Path]) -> None:
    snapshot = read_jobs(copy_sample("v2026.9.6"))
    by_name = {job.name: job for job in snapshot.jobs}
    assert len(snapshot.jobs) == 11
    heartbeat = by_name["heartbeat-main"]
    assert (heartbeat.schedule, heartbeat.payload_kind, heartbeat.session_target) == (
        "every 30m",
        "heartbeat",
        "main",
    )
    assert by_name["Memory Dreaming Promotion"].schedule == "cron 0 3 * * *"
    assert by_name["Memory Dreaming Promotion"].agent_id is None  # runs on the default agent
    assert by_name["skill-collection-review-amber"].schedule == "every 7d"
    standup = by_name["Weekday standup digest"]
    assert standup.state_json["forcePreservedNextRunAtMs"] == 1795761000000  # state_json column kept whole
    assert standup.job_json["state"] == {}  # raw job as stored


def test_default_agent_fills_unassigned_jobs(copy_sample: Callable[[str], Path]) -> None:
    snapshot = read_cron_jobs(
        copy_sample("v2026.9.6"), cli_command=None, problems=ProblemLog(), default_agent_id="main"
    )
    assert next(j for j in snapshot.jobs if j.name == "Memory Dreaming Promotion").agent_id == "main"


def test_deleted_sqlite_job_disappears(copy_sample: Callable[[str], Path]) -> None:
    state = copy_sample("v2026.9.6")
    gone = next(job.job_id for job in read_jobs(state).jobs if job.name == "Metrics sweep")
    with state_db(state) as conn, conn:
        conn.execute("DELETE FROM cron_jobs WHERE job_id = ?", (gone,))
    snapshot = read_jobs(state)
    assert len(snapshot.jobs) == 10
    assert gone not in {job.job_id for job in snapshot.jobs}


def test_deleted_file_job_disappears(copy_sample: Callable[[str], Path]) -> None:
    state = make_writable(copy_sample("v2026.5.28"))
    path = state / "cron" / "jobs.json"
    data = json.loads(path.read_text())
    gone = data["jobs"].pop(1)["id"]  # its runtime state stays behind in jobs-state.json
    path.write_text(json.dumps(data))
    snapshot = read_jobs(state)
    assert [job.name for job in snapshot.jobs] == [
        "Weekday standup digest",
        "Flight check-in reminder",
        "Quarterly tax reminder",
    ]
    assert gone not in {job.job_id for job in snapshot.jobs}
    assert snapshot.complete
