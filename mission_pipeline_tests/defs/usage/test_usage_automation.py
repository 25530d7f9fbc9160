"""Usage schedules and the change-detecting sensor, evaluated like the daemon does."""

import datetime as dt
import json
import os
from pathlib import Path

import dagster as dg
import pytest

from mission_pipeline.definitions import defs
from mission_pipeline.defs.usage import sensors
from mission_pipeline_tests.defs.project import ProjectRuns

UTC = dt.UTC
DAY = "2026-11-27"


def test_the_daily_schedule_runs_the_day_that_just_ended() -> None:
    schedule = defs.get_schedule_def("usage_daily_schedule")
    assert schedule.cron_schedule == "0 0 * * *"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    context = dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2026, 11, 28, 0, 0, tzinfo=UTC),
        repository_def=defs.get_repository_def(),
    )
    (request,) = schedule.evaluate_tick(context).run_requests or []
    assert request.partition_key == "2026-11-27"
    assert request.job_name in (None, "usage_job")


def test_the_hourly_schedule_refreshes_today() -> None:
    schedule = defs.get_schedule_def("usage_hourly_schedule")
    assert schedule.cron_schedule == "0 * * * *"
    context = dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2026, 11, 27, 13, 0, tzinfo=UTC),
        repository_def=defs.get_repository_def(),
    )
    (request,) = schedule.evaluate_tick(context).run_requests or []
    assert request.partition_key == "2026-11-27"


def _append_call(state: Path, when: dt.datetime) -> None:
    """OpenClaw writes one more assistant line into max's live transcript."""
    sessions = state / "agents" / "max" / "sessions"
    transcript = next(p for p in sorted(sessions.glob("*.jsonl")) if ".trajectory" not in p.name)
    template = next(
        json.loads(line)
        for line in transcript.read_text().splitlines()
        if '"role":"assistant"' in line and '"responseId"' in line
    )
    template["timestamp"] = when.isoformat().replace("+00:00", "Z")
    template["message"]["timestamp"] = int(when.timestamp() * 1000)
    template["message"]["responseId"] = f"msg_appended_{when:%H%M%S}"
    with transcript.open("a") as out:
        out.write(json.dumps(template) + "\n")
    os.utime(transcript, (when.timestamp(), when.timestamp()))


def test_the_sensor_reruns_exactly_the_changed_materialized_day(
    project: ProjectRuns, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = project.use_sample("v2026.5.28")
    monkeypatch.setattr(sensors, "now", lambda: dt.datetime(2026, 11, 29, 9, 0, tzinfo=UTC))
    assert project.run("usage_job", partition=DAY).success

    baseline = project.usage_sensor_tick(None)
    assert not baseline.run_requests and "baseline" in baseline.skip_message
    unchanged = project.usage_sensor_tick(baseline.cursor)
    assert not unchanged.run_requests and unchanged.skip_message == "no transcript changes"

    # A session that spanned midnight: a late call lands in the file after the day was materialized.
    _append_call(state, dt.datetime(2026, 11, 27, 23, 58, tzinfo=UTC))
    changed = project.usage_sensor_tick(unchanged.cursor)
    assert [r.partition_key for r in changed.run_requests or []] == [DAY]

    assert project.run("usage_job", partition=DAY).success
    calls = project.query("select message_count from agent_usage where agent_id = 'max'")
    assert calls == [(12,)]  # 11 calls before, the appended one now counted once
    settled = project.usage_sensor_tick(changed.cursor)
    assert not settled.run_requests


def test_the_sensor_leaves_today_and_unmaterialized_days_alone(
    project: ProjectRuns, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = project.use_sample("v2026.5.28")
    monkeypatch.setattr(sensors, "now", lambda: dt.datetime(2026, 11, 27, 23, 59, tzinfo=UTC))
    baseline = project.usage_sensor_tick(None)
    _append_call(state, dt.datetime(2026, 11, 27, 23, 58, tzinfo=UTC))
    result = project.usage_sensor_tick(baseline.cursor)
    assert not result.run_requests
    assert "only today or days never materialized" in result.skip_message


def test_the_sensor_is_running_by_default_and_cheap() -> None:
    sensor = defs.get_sensor_def("openclaw_usage_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert sensor.minimum_interval_seconds == 300
