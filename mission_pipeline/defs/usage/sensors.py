"""Re-materializes usage days whose transcripts changed after they were written."""

import base64
import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import dagster as dg

from mission_pipeline.defs.resources import OpenClawResource
from mission_pipeline.defs.usage.change_detection import Entry, detect_changes
from mission_pipeline.defs.usage.checks import AGENT_USAGE
from mission_pipeline.defs.usage.schedules import usage_job
from mission_pipeline.openclaw.transcripts.call_times import CallBounds
from mission_pipeline.openclaw.transcripts.source_times import appended_bounds, newest_call, source_bounds
from mission_pipeline.openclaw.transcripts.sources import TranscriptInventory, TranscriptSource
from mission_pipeline.openclaw.transcripts.sources import transcript_inventory as read_inventory
from mission_pipeline.settings import get_settings

# 2: `latest` is the newest call time read from the source's lines (1 took a file's mtime for it).
CURSOR_VERSION = 2
# The sensor's clock; tests move it.
now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)  # noqa: E731


@dataclass(frozen=True)
class RerunPlan:
    """The days to request (none on a first look), and the cursor to keep (None: keep the old one)."""

    days: list[str]
    cursor: str | None
    reason: str
    run_key_suffix: str


# Dagster stores the cursor with every tick (288 a day) and sends it to the code server each time: a
# file-era history's JSON is megabytes, its zlib a tenth of that. A plain JSON cursor (as written
# before) is still read.
_COMPRESSED = "zlib:"


def _encode(sources: dict[str, Entry]) -> tuple[str, str]:
    text = json.dumps({"v": CURSOR_VERSION, "sources": sources}, sort_keys=True, separators=(",", ":"))
    cursor = _COMPRESSED + base64.b64encode(zlib.compress(text.encode())).decode("ascii")
    return cursor, _digest(cursor)


def cursor_value(cursor: str) -> Any:
    """A cursor's JSON value, compressed or not."""
    if cursor.startswith(_COMPRESSED):
        return json.loads(zlib.decompress(base64.b64decode(cursor[len(_COMPRESSED) :])))
    return json.loads(cursor)


def _digest(cursor: str) -> str:
    return hashlib.sha256(cursor.encode()).hexdigest()[:12]


# The last cursor decoded, as (text, value): the code server evaluates the sensor every 5 minutes with
# the cursor it returned last time, megabytes of JSON on a long file-era history; decoding it again
# when it has not changed is most of a quiet tick's work.
_last_decoded: tuple[str, Any] | None = None


def _decode(cursor: str | None) -> Any:
    global _last_decoded
    if not cursor:
        return None
    if _last_decoded is not None and _last_decoded[0] == cursor:
        return _last_decoded[1]
    value = cursor_value(cursor)
    _last_decoded = (cursor, value)
    return value


def plan_reruns(
    cursor: str | None,
    state_dir: Path,
    inventory: TranscriptInventory,
    materialized: Collection[str],
    *,
    timezone: str,
    at: dt.datetime,
) -> RerunPlan:
    """Materialized days, other than today, that changed sources have evidence of touching."""
    previous = _decode(cursor)
    if not previous or previous.get("v") != CURSOR_VERSION:
        return _baseline(state_dir, inventory)

    def bounds(source: TranscriptSource, since: dt.datetime | None) -> CallBounds:
        if since is None:
            return source_bounds(state_dir, source)
        return appended_bounds(state_dir, source, since)

    changes = detect_changes(previous["sources"], inventory, bounds, timezone=timezone)
    if cursor is not None and changes.sources == previous["sources"]:
        # Nothing changed (the usual tick): keep the cursor as it is instead of encoding it anew.
        new_cursor, digest = cursor, _digest(cursor)
    else:
        new_cursor, digest = _encode(changes.sources)
    notes = "".join(f"; {note}" for note in changes.notes)
    # Today belongs to the hourly schedule; the sensor fixes days that are over.
    today = at.astimezone(ZoneInfo(timezone)).date()
    days = sorted(d.isoformat() for d in changes.days if d != today and d.isoformat() in materialized)
    if days:
        return RerunPlan(days, new_cursor, f"sources changed on {', '.join(days)}{notes}", digest)
    if not changes.days:
        return RerunPlan([], new_cursor, f"no transcript changes{notes}", digest)
    return RerunPlan([], new_cursor, f"changes touch only today or days never materialized{notes}", digest)


def _baseline(state_dir: Path, inventory: TranscriptInventory) -> RerunPlan:
    """A first look records every source; it waits while any cannot be read, so none looks new later."""
    unreadable = [s.path for s in inventory.sources if not s.readable] + inventory.unlisted
    if unreadable:
        return RerunPlan([], None, f"no baseline yet: cannot read {', '.join(unreadable[:3])}", "")
    sources: dict[str, Entry] = {}
    for source in inventory.sources:
        newest = newest_call(state_dir, source)
        sources[source.path] = {"fp": source.fingerprint, "latest": newest.isoformat() if newest else None}
    cursor, digest = _encode(sources)
    return RerunPlan([], cursor, f"recorded {len(sources)} transcript sources as the baseline", digest)


@dg.sensor(
    job=usage_job,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Reruns usage days already materialized whose OpenClaw transcripts changed since "
    "(a session spanning midnight, archives appearing, a Gateway catching up).",
)
def openclaw_usage_sensor(context: dg.SensorEvaluationContext, openclaw: OpenClawResource) -> dg.SensorResult:
    """Requests exactly the materialized usage days that changed transcript sources may have touched."""
    check = openclaw.check()
    if not check.ok:
        # Missing, empty or unreadable (a volume not mounted yet): nothing is known to have changed,
        # and the cursor stays, so the sources do not all look new when the directory is back.
        return dg.SensorResult(skip_reason=check.refusal("no day requested, the cursor kept"))
    plan = plan_reruns(
        context.cursor,
        check.path,
        read_inventory(check.path),
        context.instance.get_materialized_partitions(AGENT_USAGE),
        timezone=get_settings().usage_timezone,
        at=now(),
    )
    if not plan.days:
        return dg.SensorResult(skip_reason=plan.reason, cursor=plan.cursor or context.cursor)
    requests = [
        dg.RunRequest(
            run_key=f"usage-changed-{day}-{plan.run_key_suffix}",
            partition_key=day,
            tags={"mission_pipeline/trigger": "sensor"},
        )
        for day in plan.days
    ]
    return dg.SensorResult(run_requests=requests, cursor=plan.cursor)
