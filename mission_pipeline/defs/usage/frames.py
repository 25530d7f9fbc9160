"""Turns streams of usage events into DataFrame chunks while counting what went by."""

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pandas as pd

from mission_pipeline.openclaw.usage import USAGE_EVENT_COLUMNS, UsageEvent

CHUNK_ROWS = 50_000


@dataclass
class LedgerTally:
    """Calls and tokens per agent, counted as the events stream past."""

    calls: Counter[str] = field(default_factory=Counter)
    tokens: Counter[str] = field(default_factory=Counter)

    def count(self, events: Iterable[UsageEvent]) -> Iterator[UsageEvent]:
        for event in events:
            self.calls[event.agent_id] += 1
            self.tokens[event.agent_id] += (
                event.input_tokens + event.output_tokens + event.cache_read_tokens + event.cache_write_tokens
            )
            yield event


def event_frames(events: Iterable[UsageEvent], rows: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    """DataFrames of at most `rows` events, so a year of history never sits in memory whole."""
    batch: list[tuple[object, ...]] = []
    for event in events:
        batch.append(event)  # a tuple in the ledger's column order
        if len(batch) >= rows:
            yield _frame(batch)
            batch = []
    if batch:
        yield _frame(batch)


def _frame(batch: list[tuple[object, ...]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(batch, columns=list(USAGE_EVENT_COLUMNS))
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"], utc=True)
    return frame
