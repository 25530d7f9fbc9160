"""The time window of a usage read: half-open [start, end), checked once, in UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """Half-open [start, end) in aware UTC datetimes, with epoch-ms copies for pruning."""

    start: datetime | None
    end: datetime | None
    start_ms: int | None
    end_ms: int | None

    @classmethod
    def of(cls, start: datetime | None, end: datetime | None) -> TimeWindow:
        """Check and normalise the bounds (naive datetimes are a programming error)."""
        for name, value in (("start", start), ("end", end)):
            if value is not None and value.utcoffset() is None:
                raise ValueError(f"{name} must be a timezone-aware datetime")
        start = start.astimezone(UTC) if start else None
        end = end.astimezone(UTC) if end else None
        return cls(start, end, _ms(start), _ms(end))

    def contains(self, moment: datetime) -> bool:
        """True when `moment` is inside the window."""
        return (self.start is None or moment >= self.start) and (self.end is None or moment < self.end)


def _ms(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)
