"""`mission-pipeline run`: materialize every asset once against the local OpenClaw state and report.

What `make run` does on a fresh machine: check OpenClaw's state directory, start the embedded
PostgreSQL (unless SUPABASE_DB_URL is set), migrate, run the same jobs the schedules run, and print
what landed in the tables.

The OpenClaw-written sample that ships with the package (`mission_pipeline.sample`) stands in for a
missing state directory only when nothing could be mistaken for real data: the embedded database, not
production, and no state directory configured at all. It then goes into a database of its own
(`mission_pipeline_sample`) and an ephemeral Dagster instance, which real data never shares. In every
other case a state directory that is missing, empty, another program's or unreadable stops the run before
anything is written.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from mission_pipeline.defs.env_resources import resources_from_env
from mission_pipeline.openclaw.relocate import copy_state_dir
from mission_pipeline.openclaw.state_check import StateDirCheck, StateDirRefused, check_state_dir
from mission_pipeline.openclaw.state_dir import StateDirLocation, locate_state_dir
from mission_pipeline.openclaw.transcripts.source_times import earliest_call
from mission_pipeline.openclaw.transcripts.sources import list_transcript_sources
from mission_pipeline.sample import SAMPLE_OPENCLAW_VERSION, SAMPLE_STATE
from mission_pipeline.settings import Settings
from mission_pipeline.warehouse.embedded import DEFAULT_DATABASE

SAMPLE_DATABASE = "mission_pipeline_sample"
# The terminal shows warnings and the summary, not Dagster's event stream (it is in `make dev`).
_QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass(frozen=True)
class RunSource:
    """What a run reads, and which embedded database it writes to when SUPABASE_DB_URL is unset."""

    state: StateDirCheck
    sample: bool

    @property
    def embedded_database(self) -> str:
        return SAMPLE_DATABASE if self.sample else DEFAULT_DATABASE


def choose_source(settings: Settings, say: Callable[[str], None]) -> RunSource:
    """The configured or OpenClaw-default state dir; the sample only where it cannot pass for real data."""
    check = check_state_dir(locate_state_dir(settings.openclaw_state_dir))
    if check.ok:
        say(f"OpenClaw state: {check.location}")
        return RunSource(check, sample=False)
    refusal = _sample_refusal(settings, check)
    if refusal is not None:
        raise StateDirRefused(f"{check.refusal('nothing was written')}. {refusal}")
    copy = settings.mission_pipeline_data_dir / "sample-openclaw-state"
    shutil.rmtree(copy, ignore_errors=True)
    copy_state_dir(SAMPLE_STATE, copy)
    origin = f"the sample written by OpenClaw {SAMPLE_OPENCLAW_VERSION} that ships with the package"
    say(
        f"{check.refusal('using the sample instead')}.\n"
        f"SAMPLE DATA: {origin}, copied to {copy}, goes to the embedded database {SAMPLE_DATABASE}, "
        "never to your tables. Set OPENCLAW_STATE_DIR to read your own OpenClaw."
    )
    return RunSource(check_state_dir(StateDirLocation(copy, origin, True)), sample=True)


def _sample_refusal(settings: Settings, check: StateDirCheck) -> str | None:
    """Why the bundled sample must not stand in here, or None when it may."""
    if settings.supabase_db_url is not None:
        return (
            "SUPABASE_DB_URL is set, so this would write to a real database: the bundled sample is never "
            "used there. Set OPENCLAW_STATE_DIR to your OpenClaw's state directory."
        )
    if settings.is_production:
        return "MISSION_PIPELINE_ENV=production never uses the bundled sample."
    if check.location.configured:
        return (
            "It was configured explicitly (a typo? a volume not mounted yet?), so the bundled sample "
            "does not stand in for it."
        )
    if check.status not in ("missing", "not_openclaw"):
        return "Make it readable, or point OPENCLAW_STATE_DIR elsewhere."
    if not SAMPLE_STATE.is_dir():
        return "Set OPENCLAW_STATE_DIR to your OpenClaw's state directory."
    return None


def usage_day_range(state_dir: Path, settings: Settings, today: dt.date) -> tuple[str, str, str]:
    """First and last usage day worth materializing, and why the first: the earliest call's day."""
    zone = ZoneInfo(settings.usage_timezone)
    found = earliest_call(state_dir, list_transcript_sources(state_dir))
    start = settings.usage_start_date
    if found.unknown:
        first, why = start, f"USAGE_START_DATE: no call time could be read from {found.unknown[0]}"
    elif found.at is None:
        first, why = today, "no transcripts yet"
    else:
        first, why = max(found.at.astimezone(zone).date(), start), "the earliest call"
    return first.isoformat(), max(first, today).isoformat(), why


def run_everything(
    settings: Settings, source: RunSource, say: Callable[[str], None] = print
) -> dict[str, bool]:
    """Run the usage, cron and workspace jobs once; returns job name -> success."""
    # Imported here, not at the top: the Definitions read the definition-time settings (partition
    # start, time zone) on import, and `mission-pipeline` reports invalid ones as one line.
    from mission_pipeline.definitions import defs

    location = source.state.location
    # The state dir chosen above; the database as the Definitions configure it (SUPABASE_DB_URL
    # through dg.EnvVar, so the run's stored job snapshot names the variable, never the URL).
    resources = resources_from_env(settings, location=location, embedded_database=source.embedded_database)
    if source.sample or not os.environ.get("DAGSTER_HOME"):
        instance = dg.DagsterInstance.ephemeral()
    else:
        instance = dg.DagsterInstance.get()
    today = dt.datetime.now(ZoneInfo(settings.usage_timezone)).date()
    first, last, why = usage_day_range(location.path, settings, today)
    say(f"Usage days {first} .. {last} ({why} to today) in one run (single-run backfill).")
    results: dict[str, bool] = {}
    runs: list[tuple[str, dict[str, str]]] = [
        (
            "usage_refresh_job",
            {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last},
        ),
        ("cron_job", {}),
        ("workspace_job", {}),
    ]
    with instance:
        for job_name, tags in runs:
            result = defs.resolve_job_def(job_name).execute_in_process(
                instance=instance, tags=tags, raise_on_error=False, run_config=_QUIET, resources=resources
            )
            results[job_name] = result.success
            say(f"{job_name}: {'succeeded' if result.success else 'FAILED'} (run {result.run_id[:8]})")
    return results
