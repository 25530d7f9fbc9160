"""The shape of one cron job: readable schedule text and the row a raw job becomes.

Kinds newer than this code (`stream`, `on-exit`, payload `command`, ...) load like any other: the
text falls back to the kind and its short fields, and the raw JSON is always kept.

What PostgreSQL could not store must not reach it (one such job would fail the whole write, run after
run): a job id or agent id longer than `MAX_KEY_CHARS` (they are btree keys) skips the job; a runtime
state with a count or time outside its column's range is ignored, like a state of the wrong type; a
lone UTF-16 surrogate (JavaScript can write one when it cuts a string inside an emoji) becomes U+FFFD.
Each of these is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.text import replace_lone_surrogates
from mission_pipeline.openclaw.values import MAX_EPOCH_MS, epoch_ms_to_utc, is_number

_UNITS = (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000))
_MAX_TEXT = 160
MAX_KEY_CHARS = 256
# Epoch ms from 1970 to 2255: later is a corrupt value, and pandas 2 (which pyproject allows) holds
# no time past 2262-04-11, so such a time would fail the write.
_INT32 = 2**31 - 1
_INT64 = 2**63 - 1


def humanize_ms(ms: float) -> str:
    """A duration in ms as OpenClaw users write it: 30m, 2h, 7d, 90s, 1h30m, 500ms."""
    if ms < 0:
        return f"-{humanize_ms(-ms)}"
    if ms < 1000 or ms % 1000:
        return f"{ms:g}ms" if ms < 1000 else f"{ms / 1000:g}s"
    total = int(ms)
    if total < 120_000:  # short intervals read better in seconds: 90s, not 1m30s
        return f"{total // 1000}s"
    parts = []
    for unit, size in _UNITS:
        count, total = divmod(total, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def schedule_text(schedule: Any) -> str:
    """`cron 30 7 * * 1-5 (Europe/Berlin)`, `every 2h`, `at 2026-12-27 23:00 UTC`, or a readable fallback."""
    if not isinstance(schedule, dict):
        return "unknown schedule" if schedule is None else _clip(f"schedule {schedule}")
    kind = schedule.get("kind")
    if kind == "cron" and isinstance(schedule.get("expr"), str):
        tz = schedule.get("tz")
        return _clip(f"cron {schedule['expr']}" + (f" ({tz})" if isinstance(tz, str) and tz else ""))
    if kind == "every" and is_number(schedule.get("everyMs")):
        return f"every {humanize_ms(schedule['everyMs'])}"
    if kind == "at" or (kind is None and ("at" in schedule or "atMs" in schedule)):
        when = _at_text(schedule.get("at"), schedule.get("atMs"))
        if when:
            return f"at {when}"
    return _fallback(schedule)


def _at_text(at: Any, at_ms: Any) -> str | None:
    moment = epoch_ms_to_utc(at_ms)
    if moment is None and isinstance(at, str) and at.strip():
        try:
            parsed = datetime.fromisoformat(at.strip().replace("Z", "+00:00"))
            # OpenClaw stores `at` in UTC; a value without offset is read as UTC too.
            moment = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
        except (ValueError, OverflowError):
            return _clip(at)  # keep what OpenClaw stored rather than lose it
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%d %H:%M:%S" if moment.second else "%Y-%m-%d %H:%M") + " UTC"


def _fallback(schedule: dict[str, Any]) -> str:
    """Kind plus its short scalar fields, e.g. `on-exit (command=make test, cwd=/srv)`."""
    kind = schedule.get("kind")
    # A kind of only whitespace (say "\r") would clip to nothing: the text must never be empty.
    label = (" ".join(kind.split()) if isinstance(kind, str) else "") or "unknown schedule"
    details = []
    for key, value in schedule.items():
        if key == "kind":
            continue
        if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
            value = " ".join(str(v) for v in value)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            details.append(f"{key}={value}")
    return _clip(f"{label} ({', '.join(details)})" if details else label)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


class _JobCore(BaseModel):
    """The fields every OpenClaw cron job has had; anything else stays in the raw JSON."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1, max_length=MAX_KEY_CHARS)
    name: str | None = None
    displayName: str | None = None  # OpenClaw's camelCase names
    enabled: bool = True
    agentId: str | None = Field(default=None, max_length=MAX_KEY_CHARS)
    schedule: Any = None
    payload: Any = None
    sessionTarget: str | None = None
    nextRunAtMs: float | None = None  # CLI rows repeat it at top level


class _JobState(BaseModel):
    """Runtime state (`state` / `state_json` / `jobs-state.json`); unknown fields are allowed."""

    model_config = ConfigDict(extra="allow")

    nextRunAtMs: float | None = Field(default=None, ge=0, lt=MAX_EPOCH_MS, allow_inf_nan=False)
    lastRunAtMs: float | None = Field(default=None, ge=0, lt=MAX_EPOCH_MS, allow_inf_nan=False)
    lastRunStatus: str | None = None
    lastStatus: str | None = None  # deprecated alias of lastRunStatus
    lastError: str | None = None
    lastDurationMs: float | None = Field(default=None, ge=-_INT64, le=_INT64, allow_inf_nan=False)  # bigint
    consecutiveErrors: int | None = Field(default=None, ge=-_INT32, le=_INT32)  # integer column


@dataclass(frozen=True)
class CronJobRecord:
    """One cron job as a table row; the raw JSON is kept beside the extracted columns."""

    job_id: str
    name: str
    schedule: str
    payload_kind: str | None
    session_target: str | None
    enabled: bool
    last_run: datetime | None
    next_run: datetime | None
    agent_id: str | None
    last_status: str | None
    last_error: str | None
    last_duration_ms: int | None
    consecutive_errors: int | None
    schedule_json: dict[str, Any]
    payload_json: dict[str, Any]
    state_json: dict[str, Any]
    job_json: dict[str, Any]


def job_record(
    job: Any, state: Any, where: str, row: str, problems: ProblemLog, default_agent_id: str | None
) -> CronJobRecord | None:
    """A record from one raw job and its merged state; None (and a Problem) when the job is unusable."""
    job, replaced = replace_lone_surrogates(job)
    state, replaced_in_state = replace_lone_surrogates(state)
    try:
        core = _JobCore.model_validate(job)
    except ValidationError as exc:
        problems.add(where, f"cron job skipped: {_first_error(exc)}", row=row)
        return None
    state = state if isinstance(state, dict) else {}
    try:
        st = _JobState.model_validate(state)
    except ValidationError as exc:
        # A malformed runtime state loses its columns, not the job.
        problems.add(where, f"cron job {core.id}: state ignored: {_first_error(exc)}", row=row)
        st = _JobState()
    if replaced or replaced_in_state:
        problems.add(where, f"cron job {core.id}: lone UTF-16 surrogates replaced by U+FFFD", row=row)
    schedule = core.schedule if isinstance(core.schedule, dict) else {}
    payload = core.payload if isinstance(core.payload, dict) else {}
    kind = payload.get("kind")
    return CronJobRecord(
        job_id=core.id,
        name=core.name or core.displayName or core.id,
        schedule=schedule_text(core.schedule),
        payload_kind=kind if isinstance(kind, str) else None,
        session_target=core.sessionTarget,
        enabled=core.enabled,
        last_run=epoch_ms_to_utc(st.lastRunAtMs),
        next_run=epoch_ms_to_utc(st.nextRunAtMs if st.nextRunAtMs is not None else core.nextRunAtMs),
        agent_id=core.agentId or default_agent_id,
        last_status=st.lastRunStatus or st.lastStatus,
        last_error=st.lastError,
        last_duration_ms=int(st.lastDurationMs) if st.lastDurationMs is not None else None,
        consecutive_errors=st.consecutiveErrors,
        schedule_json=schedule,
        payload_json=payload,
        state_json=state,
        job_json=job,
    )


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    return f"{'.'.join(str(p) for p in err['loc']) or 'job'}: {err['msg']}"
