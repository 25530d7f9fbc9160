"""What one assistant call is: its billable facts, the limits a sane line stays within, its id and day."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any, NamedTuple

from mission_pipeline.openclaw.values import epoch_ms_to_utc, is_plausible_call_time

# usage.cost.totalOrigin of a call whose total the provider itself reported (OpenRouter): what was paid.
PROVIDER_BILLED = "provider-billed"


class BadLine(Exception):
    """A line that looks like a model call but cannot be read as one."""


class ParsedCall(NamedTuple):
    """The billable facts of one assistant line (a tuple: millions are made per backfill)."""

    event_id: str
    occurred_at: datetime
    provider: str | None
    model: str | None
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    cache_write_1h_tokens: int  # the part of cache_write_tokens written with 1-hour retention
    recorded_cost_usd: float | None
    recorded_cost_origin: str | None  # "provider-billed" when that cost is what the provider charged
    response_id: str | None
    stop_reason: str | None


def make_call(
    line_timestamp: Any,
    message_timestamp: float | None,
    provider: str | None,
    model: str | None,
    counts: tuple[int, int, int, int],
    cache_write_1h: int,
    cost: float | None,
    cost_origin: object,
    response_id: str | None,
    stop_reason: str | None,
) -> ParsedCall:
    """The call, dated by the line's `timestamp`, else `message.timestamp`; BadLine when neither is usable.

    `counts` are input, output, cache read and cache write tokens. `cache_write_1h` is kept within the
    cache writes, as OpenClaw's cost engine bounds it; `cost_origin` only says "provider-billed" or nothing.
    """
    message_time = epoch_ms_to_utc(message_timestamp, plausible=True)
    occurred_at = line_time(line_timestamp) or message_time
    if occurred_at is None:
        raise BadLine("assistant message has no usable timestamp")
    # Without a responseId the call is told apart by its time: message.timestamp, which every copy of
    # the line keeps (forks too); else the line's own time. Two calls with equal counts and no time
    # at all never get here (no usable timestamp), so they are never merged into one.
    stamp = message_timestamp if message_time is not None else round(occurred_at.timestamp() * 1000)
    event_id = response_id or fallback_id(stamp, provider, model, counts)
    one_hour = min(cache_write_1h, counts[3])
    origin = PROVIDER_BILLED if cost_origin == PROVIDER_BILLED and cost is not None else None
    return ParsedCall(
        event_id, occurred_at, provider, model, *counts, one_hour, cost, origin, response_id, stop_reason
    )


def fallback_id(
    stamp: float | None, provider: str | None, model: str | None, counts: tuple[int, int, int, int]
) -> str:
    """A stable id for calls without a responseId: the same in every copy of the line."""
    key_stamp: float | int | None = stamp
    if stamp is not None and float(stamp).is_integer():
        key_stamp = int(stamp)
    key = json.dumps([key_stamp, provider, model, *counts], separators=(",", ":"))
    return "oc-sha256:" + hashlib.sha256(key.encode()).hexdigest()[:40]


def line_time(value: Any) -> datetime | None:
    """A line's `timestamp` (ISO text, or epoch ms) as UTC; None when it is not a plausible call time.

    Both forms get the same rule (years 2000..2200): a nonsense time such as the epoch itself must
    fall back to `message.timestamp`, not file the call under a day no one will ever look at.
    """
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        moment = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
        return moment if is_plausible_call_time(moment) else None
    return epoch_ms_to_utc(value, plausible=True)  # None for anything but a number
