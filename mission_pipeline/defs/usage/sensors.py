"""Re-materializes usage days whose transcripts changed after they were written."""

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import dagster as dg

from mission_pipeline.defs.resources import OpenClawResource
from mission_pipeline.defs.usage.change_detection import snapshot, touched_days
from mission_pipeline.defs.usage.schedules import usage_job
from mission_pipeline.openclaw.usage import TranscriptSource, list_transcript_sources
from mission_pipeline.settings import get_settings

CURSOR_VERSION = 1
# The sensor's clock; tests move it.
now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)  # noqa: E731


@dataclass(frozen=True)
class RerunPlan:
    """The days to request (none on a first look), and the cursor to keep."""

    days: list[str]
    cursor: str
    reason: str
    run_key_suffix: str


def plan_reruns(
    cursor: str | None,
    sources: list[TranscriptSource],
    materialized: Collection[str],
    *,
    timezone: str,
    at: dt.datetime,
) -> RerunPlan:
    """Materialized days, other than today, that changed sources may have touched since `cursor`."""
    current = snapshot(sources)
    new_cursor = json.dumps({"v": CURSOR_VERSION, "sources": current}, sort_keys=True)
    digest = hashlib.sha256(new_cursor.encode()).hexdigest()[:12]
    previous = json.loads(cursor) if cursor else None
    if not previous or previous.get("v") != CURSOR_VERSION:
        baseline = f"recorded {len(current)} transcript sources as the baseline"
        return RerunPlan([], new_cursor, baseline, digest)
    touched = touched_days(previous["sources"], sources, timezone=timezone, now=at)
    # Today belongs to the hourly schedule; the sensor fixes days that are over.
    today = at.astimezone(ZoneInfo(timezone)).date()
    days = sorted(d.isoformat() for d in touched if d != today and d.isoformat() in materialized)
    if days:
        return RerunPlan(days, new_cursor, f"sources changed on {', '.join(days)}", digest)
    reason = "no transcript changes" if not touched else "changes touch only today or days never materialized"
    return RerunPlan([], new_cursor, reason, digest)


@dg.sensor(
    job=usage_job,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Reruns usage days already materialized whose OpenClaw transcripts changed since "
    "(a session spanning midnight, archives appearing, a Gateway catching up).",
)
def openclaw_usage_sensor(context: dg.SensorEvaluationContext, openclaw: OpenClawResource) -> dg.SensorResult:
    """Requests exactly the materialized usage days that changed transcript sources may have touched."""
    plan = plan_reruns(
        context.cursor,
        list_transcript_sources(openclaw.state_dir()),
        context.instance.get_materialized_partitions(dg.AssetKey("agent_usage")),
        timezone=get_settings().usage_timezone,
        at=now(),
    )
    if not plan.days:
        return dg.SensorResult(skip_reason=plan.reason, cursor=plan.cursor)
    requests = [
        dg.RunRequest(
            run_key=f"usage-changed-{day}-{plan.run_key_suffix}",
            partition_key=day,
            tags={"mission_pipeline/trigger": "sensor"},
        )
        for day in plan.days
    ]
    return dg.SensorResult(run_requests=requests, cursor=plan.cursor)
