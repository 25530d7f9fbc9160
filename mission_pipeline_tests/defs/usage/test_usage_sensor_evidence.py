"""The usage sensor asks for a day only on evidence that it changed: call times, never lock or file times."""

import datetime as dt
import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from mission_pipeline.defs.usage import sensors
from mission_pipeline_tests.defs.project import ProjectRuns

UTC = dt.UTC
DAY = "2026-11-27"
LATER = dt.datetime(2027, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def materialized(project: ProjectRuns, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """A sample state whose usage day has been materialized, with the sensor's clock months later."""
    monkeypatch.setattr(sensors, "now", lambda: LATER)

    def _use(version: str) -> Path:
        state = project.use_sample(version)
        assert project.run("usage_job", partition=DAY).success
        return state

    return _use


def test_a_moment_of_lock_asks_for_nothing(materialized: Callable[[str], Path], project: ProjectRuns) -> None:
    state = materialized("v2026.9.6")
    baseline = project.usage_sensor_tick(None)
    db = state / "agents" / "max" / "agent" / "openclaw-agent.sqlite"
    writer = sqlite3.connect(db, isolation_level=None)
    try:
        writer.execute("BEGIN EXCLUSIVE")  # the Gateway writing: readers wait, then give up
        locked = project.usage_sensor_tick(baseline.cursor)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert not locked.run_requests
    assert "agents/max/agent/openclaw-agent.sqlite could not be read" in locked.skip_message
    assert "kept its previous state, no day requested" in locked.skip_message
    path = "agents/max/agent/openclaw-agent.sqlite"
    kept = sensors.cursor_value(locked.cursor)["sources"][path]
    assert kept == sensors.cursor_value(baseline.cursor)["sources"][path]
    unlocked = project.usage_sensor_tick(locked.cursor)
    assert not unlocked.run_requests and unlocked.skip_message == "no transcript changes"


@pytest.mark.parametrize("version", ["v2026.9.6", "v2026.5.28"])
def test_a_directory_that_goes_away_and_comes_back_asks_for_nothing(
    version: str, materialized: Callable[[str], Path], project: ProjectRuns
) -> None:
    state = materialized(version)
    baseline = project.usage_sensor_tick(None)
    away = state.with_name("unmounted")
    state.rename(away)
    gone = project.usage_sensor_tick(baseline.cursor)
    assert not gone.run_requests and gone.cursor in (None, baseline.cursor)  # the cursor stays
    assert f"{state} (set on the openclaw resource): no such directory" in gone.skip_message
    state.mkdir()  # the empty mount point, before the volume arrives
    empty = project.usage_sensor_tick(baseline.cursor)
    assert not empty.run_requests and "not an OpenClaw state directory" in empty.skip_message
    state.rmdir()
    away.rename(state)
    back = project.usage_sensor_tick(baseline.cursor)
    assert not back.run_requests and back.skip_message == "no transcript changes"


def test_a_new_transcript_asks_for_the_days_of_its_calls_not_of_its_file_time(
    materialized: Callable[[str], Path], project: ProjectRuns
) -> None:
    state = materialized("v2026.5.28")
    baseline = project.usage_sensor_tick(None)
    sessions = state / "agents" / "max" / "sessions"
    original = next(p for p in sorted(sessions.glob("*.jsonl")) if ".trajectory" not in p.name)
    restored = sessions / "0f0f0f0f-1111-4222-8333-444444444444.jsonl"
    # A transcript restored from a backup: calls of the sample day, a file time of today.
    lines = [json.loads(raw) for raw in original.read_text().splitlines()]
    for line in lines:
        if isinstance(line.get("message"), dict) and line["message"].get("responseId"):
            line["message"]["responseId"] += "-restored"
    restored.write_text("".join(json.dumps(line) + "\n" for line in lines))
    os.utime(restored, (LATER.timestamp(), LATER.timestamp()))
    result = project.usage_sensor_tick(baseline.cursor)
    assert [r.partition_key for r in result.run_requests or []] == [DAY]


def test_a_touched_file_asks_for_no_more_than_its_last_call_day(
    materialized: Callable[[str], Path], project: ProjectRuns
) -> None:
    state = materialized("v2026.5.28")
    baseline = project.usage_sensor_tick(None)
    copy = state.with_name("copied")
    shutil.copytree(state, copy)  # every file rewritten now, same calls
    shutil.rmtree(state)
    copy.rename(state)
    for path in state.rglob("*.jsonl"):
        os.utime(path, (LATER.timestamp(), LATER.timestamp()))
    result = project.usage_sensor_tick(baseline.cursor)
    assert [r.partition_key for r in result.run_requests or []] in ([], [DAY])
