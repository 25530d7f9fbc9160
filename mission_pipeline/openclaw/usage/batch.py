"""Usage events in batches of columns: what a reader worker sends and the ledger's frames are made of.

A column per ledger field, as a list, except `occurred_at`, kept as epoch microseconds in an
`array('q')` (a datetime exactly: OpenClaw's times have millisecond precision at most). Columns cross
a pipe at a fraction of the cost of row tuples: a pickled array is its bytes, and no datetime is
rebuilt one by one on the other side.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from mission_pipeline.openclaw.usage.events import USAGE_EVENT_COLUMNS, UsageEvent

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_TIME = USAGE_EVENT_COLUMNS.index("occurred_at")


@dataclass(frozen=True, slots=True)
class EventBatch:
    """Events as columns, in `USAGE_EVENT_COLUMNS` order (`occurred_at` in epoch microseconds)."""

    columns: tuple[Sequence[Any], ...]

    def __len__(self) -> int:
        return len(self.columns[0])

    @classmethod
    def of(cls, events: Sequence[UsageEvent] | Sequence[tuple[Any, ...]]) -> EventBatch:
        """The events, transposed into columns."""
        if not events:
            return cls(tuple([] for _ in USAGE_EVENT_COLUMNS))
        columns: list[Sequence[Any]] = [list(c) for c in zip(*events, strict=True)]
        columns[_TIME] = array("q", [(t - EPOCH) // _MICROSECOND for t in columns[_TIME]])
        return cls(tuple(columns))

    def column(self, name: str) -> Sequence[Any]:
        """One column by its ledger name."""
        return self.columns[USAGE_EVENT_COLUMNS.index(name)]

    def take(self, rows: Sequence[int]) -> EventBatch:
        """Only the rows at these positions, in that order."""
        picked: list[Sequence[Any]] = [[c[i] for i in rows] for c in self.columns]
        picked[_TIME] = array("q", picked[_TIME])
        return EventBatch(tuple(picked))

    def events(self) -> Iterator[UsageEvent]:
        """The batch's events as `UsageEvent`s again (for callers that want rows)."""
        columns = list(self.columns)
        columns[_TIME] = [EPOCH + timedelta(microseconds=t) for t in columns[_TIME]]
        for row in zip(*columns, strict=True):
            yield UsageEvent(*row)


def batches(events: Iterable[UsageEvent], size: int) -> Iterator[EventBatch]:
    """The events in batches of at most `size`."""
    rows: list[UsageEvent] = []
    for event in events:
        rows.append(event)
        if len(rows) >= size:
            yield EventBatch.of(rows)
            rows = []
    if rows:
        yield EventBatch.of(rows)
