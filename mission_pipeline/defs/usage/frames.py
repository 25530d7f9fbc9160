"""Turns streams of usage events into DataFrame chunks while counting what went by."""

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pandas as pd

from mission_pipeline.gateways import DEFAULT_GATEWAY
from mission_pipeline.openclaw.usage.events import USAGE_EVENT_COLUMNS, UsageEvent

CHUNK_ROWS = 50_000


@dataclass
class LedgerTally:
    """Calls per agent, counted a chunk at a time as the frames stream past."""

    calls: Counter[str] = field(default_factory=Counter)

    def add(self, frame: pd.DataFrame) -> None:
        self.calls.update({str(agent): int(n) for agent, n in frame["agent_id"].value_counts().items()})


def event_frames(
    events: Iterable[UsageEvent],
    rows: int = CHUNK_ROWS,
    tally: LedgerTally | None = None,
    *,
    gateway_id: str = DEFAULT_GATEWAY,
) -> Iterator[pd.DataFrame]:
    """DataFrames of at most `rows` events of one gateway, so a year never sits in memory whole."""
    batch: list[tuple[object, ...]] = []
    for event in events:
        batch.append(event)  # a tuple in the ledger's column order
        if len(batch) >= rows:
            yield _frame(batch, tally, gateway_id)
            batch = []
    if batch:
        yield _frame(batch, tally, gateway_id)


def _frame(batch: list[tuple[object, ...]], tally: LedgerTally | None, gateway_id: str) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(batch, columns=list(USAGE_EVENT_COLUMNS))
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"], utc=True)
    frame["gateway_id"] = gateway_id
    if tally is not None:
        tally.add(frame)  # counted per chunk by pandas, not per event in Python
    return frame
