"""Times as OpenClaw stamps them: milliseconds since the epoch (UTC), and their ISO forms."""

from __future__ import annotations

from datetime import UTC, date, datetime

MINUTE = 60_000
HOUR = 3_600_000
DAY = 24 * HOUR


def day_ms(day: date) -> int:
    """Midnight UTC starting `day`, in epoch milliseconds."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def iso(ms: int) -> str:
    """`2026-11-26T08:30:00.123Z`, as JavaScript's `Date.toISOString()` writes it."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def iso_dashes(ms: int) -> str:
    """The ISO time with `:` as `-`, as OpenClaw puts it in archive file names."""
    return iso(ms).replace(":", "-")


def utc_day(ms: int) -> str:
    """The UTC day (`YYYY-MM-DD`) of an epoch-milliseconds time."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).date().isoformat()
