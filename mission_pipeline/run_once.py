"""`mission-pipeline run`: materialize every asset once against the local OpenClaw state and report.

What `make run` does on a fresh machine: start the embedded PostgreSQL (unless SUPABASE_DB_URL is
set), migrate, read OpenClaw's state (or the OpenClaw-written sample the tests use when there is
none), run the same jobs the schedules run, and print what landed in the tables.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from mission_pipeline.openclaw.relocate import copy_state_dir
from mission_pipeline.openclaw.state_dir import resolve_state_dir
from mission_pipeline.openclaw.usage import list_transcript_sources
from mission_pipeline.settings import Settings, get_settings

SAMPLE_STATE = (
    Path(__file__).resolve().parents[1]
    / "mission_pipeline_tests"
    / "data"
    / "openclaw-samples"
    / "v2026.9.6"
    / "state"
)


# The terminal shows warnings and the summary, not Dagster's event stream (it is in `make dev`).
_QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def choose_state_dir(settings: Settings, say: Callable[[str], None]) -> Path:
    """The configured or OpenClaw-default state dir; when none exists, a fresh copy of the sample."""
    state_dir = (settings.openclaw_state_dir or resolve_state_dir()).expanduser()
    if state_dir.is_dir():
        say(f"OpenClaw state: {state_dir}")
        return state_dir
    if not SAMPLE_STATE.is_dir():
        raise SystemExit(f"No OpenClaw state directory at {state_dir}; set OPENCLAW_STATE_DIR.")
    copy = settings.mission_pipeline_data_dir / "sample-openclaw-state"
    shutil.rmtree(copy, ignore_errors=True)
    copy_state_dir(SAMPLE_STATE, copy)
    say(
        f"No OpenClaw state directory at {state_dir} (set OPENCLAW_STATE_DIR to use yours).\n"
        f"Using the sample state written by OpenClaw 2026.9.6 that ships with the tests, copied to {copy}."
    )
    return copy


def usage_day_range(state_dir: Path, settings: Settings, today: dt.date) -> tuple[str, str]:
    """First and last usage day worth materializing: from the oldest transcript source to today."""
    zone = ZoneInfo(settings.usage_timezone)
    times = [
        t for s in list_transcript_sources(state_dir) for t in (s.earliest_at, s.latest_at) if t is not None
    ]
    first = min((t.astimezone(zone).date() for t in times), default=today)
    first = max(first, settings.usage_start_date)
    return first.isoformat(), max(first, today).isoformat()


def run_everything(say: Callable[[str], None] = print) -> dict[str, bool]:
    """Run the usage, cron and workspace jobs once; returns job name -> success."""
    settings = get_settings()
    state_dir = choose_state_dir(settings, say)
    os.environ["OPENCLAW_STATE_DIR"] = str(state_dir)
    get_settings.cache_clear()
    settings = get_settings()

    from mission_pipeline.definitions import defs  # after the environment is settled

    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    today = dt.datetime.now(ZoneInfo(settings.usage_timezone)).date()
    first, last = usage_day_range(state_dir, settings, today)
    say(f"Usage days {first} .. {last} in one run (single-run backfill).")
    results: dict[str, bool] = {}
    runs: list[tuple[str, dict[str, str]]] = [
        (
            "usage_refresh_job",
            {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last},
        ),
        ("cron_job", {}),
        ("workspace_job", {}),
    ]
    for job_name, tags in runs:
        result = defs.resolve_job_def(job_name).execute_in_process(
            instance=instance, tags=tags, raise_on_error=False, run_config=_QUIET
        )
        results[job_name] = result.success
        say(f"{job_name}: {'succeeded' if result.success else 'FAILED'} (run {result.run_id[:8]})")
    return results
