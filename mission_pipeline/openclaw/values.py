"""Plain values out of OpenClaw's JSON: numbers, texts, epoch-millisecond times, agent ids in keys.

Every reader (transcripts, sessions, cron jobs and runs, transcript sources) reads these the same
way, so a time or an agent id means one thing whichever table it lands in.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

# Cron state may name any time a timestamptz holds (a next run in 2255 is a real setting).
MAX_EPOCH_MS = 9_000_000_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# File times (st_mtime_ns) that datetime, datetime64[us] and timestamptz all hold: years 1..9999.
_US = timedelta(microseconds=1)
MIN_EPOCH_NS = (datetime(1, 1, 1, tzinfo=UTC) - _EPOCH) // _US * 1000
MAX_EPOCH_NS = (datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC) - _EPOCH) // _US * 1000
# Transcript and session times are the moments calls were made: years 2000..2200, or not a time.
PLAUSIBLE_EPOCH_MS = (946_684_800_000, 7_258_118_400_000)
_PLAUSIBLE = tuple(_EPOCH + timedelta(milliseconds=ms) for ms in PLAUSIBLE_EPOCH_MS)


def is_number(value: Any) -> bool:
    """A finite int or float, not a bool (an int of any size: math.isfinite would overflow on it)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return not isinstance(value, float) or math.isfinite(value)


def nonempty_str(value: Any) -> str | None:
    """`value` when it is a non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def epoch_ms_to_utc(value: Any, *, plausible: bool = False) -> datetime | None:
    """Epoch milliseconds as an aware UTC datetime; None for anything else.

    The range is 0..MAX_EPOCH_MS, or PLAUSIBLE_EPOCH_MS with `plausible` (times of calls and sessions).
    """
    low, high = PLAUSIBLE_EPOCH_MS if plausible else (0, MAX_EPOCH_MS)
    if not is_number(value) or not low <= value < high:
        return None
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def is_plausible_call_time(moment: datetime) -> bool:
    """True for a time a model call can have been made at (PLAUSIBLE_EPOCH_MS, as aware datetimes)."""
    return _PLAUSIBLE[0] <= moment < _PLAUSIBLE[1]


def epoch_ns_to_utc(value: int | None) -> datetime | None:
    """A file time in epoch nanoseconds, to the microsecond (truncated); None outside the years 1..9999."""
    if value is None or not MIN_EPOCH_NS <= value <= MAX_EPOCH_NS:
        return None
    return _EPOCH + timedelta(microseconds=value // 1000)


def split_agent_session_key(key: str | None) -> tuple[str, str] | None:
    """(agent id, rest) of `agent:<id>:<rest>`, as OpenClaw's parseAgentSessionKey splits it."""
    if not key or key[:6].lower() != "agent:":
        return None
    end = key.find(":", 6)
    if end < 0 or not key[6:end].strip():
        return None
    rest = key[end + 1 :]
    if not rest or rest.startswith(":"):
        return None
    return key[6:end].strip().lower(), rest


def agent_of_session_key(key: str | None) -> str | None:
    """The agent id of `agent:<id>:<rest>`; None for any other key."""
    parsed = split_agent_session_key(key)
    return parsed[0] if parsed else None
