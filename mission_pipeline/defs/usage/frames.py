"""Turns streams of usage event batches into DataFrame chunks while counting what went by."""

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mission_pipeline.gateways import DEFAULT_GATEWAY
from mission_pipeline.openclaw.usage.batch import EventBatch
from mission_pipeline.openclaw.usage.events import USAGE_EVENT_COLUMNS

# 20,000 rows: a chunk and its COPY encoding cost ~50 MB while in flight (50,000: ~120 MB), at the same speed.
CHUNK_ROWS = 20_000


@dataclass
class LedgerTally:
    """Calls per agent, counted a chunk at a time as the frames stream past."""

    calls: Counter[str] = field(default_factory=Counter)

    def add(self, frame: pd.DataFrame) -> None:
        self.calls.update({str(agent): int(n) for agent, n in frame["agent_id"].value_counts().items()})


def event_frames(
    batches: Iterable[EventBatch],
    rows: int = CHUNK_ROWS,
    tally: LedgerTally | None = None,
    *,
    gateway_id: str = DEFAULT_GATEWAY,
) -> Iterator[pd.DataFrame]:
    """DataFrames of about `rows` events of one gateway, so a year never sits in memory whole."""
    waiting: list[EventBatch] = []
    count = 0
    for batch in batches:
        waiting.append(batch)
        count += len(batch)
        if count >= rows:
            yield _frame(waiting, tally, gateway_id)
            waiting, count = [], 0
    if count:
        yield _frame(waiting, tally, gateway_id)


def _frame(batches: list[EventBatch], tally: LedgerTally | None, gateway_id: str) -> pd.DataFrame:
    data: dict[str, object] = {}
    for index, name in enumerate(USAGE_EVENT_COLUMNS):
        parts = [b.columns[index] for b in batches]
        if name == "occurred_at":
            micros = np.concatenate([np.asarray(p, dtype=np.int64) for p in parts])
            data[name] = pd.to_datetime(micros, unit="us", utc=True)
        else:
            data[name] = [value for part in parts for value in part] if len(parts) > 1 else list(parts[0])
    frame = pd.DataFrame(data)
    frame["gateway_id"] = gateway_id
    if tally is not None:
        tally.add(frame)  # counted per chunk by pandas, not per event in Python
    return frame
