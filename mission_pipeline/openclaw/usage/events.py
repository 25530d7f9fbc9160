"""`UsageEvent`: one model call with its token counts, as it goes to the usage ledger."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from mission_pipeline.openclaw.usage.call import ParsedCall


class UsageEvent(NamedTuple):
    """One model call with its token counts, as OpenClaw recorded it (a row of the usage ledger).

    A tuple in the ledger's column order: a backfill makes millions, and they go to the table as is."""

    event_id: str
    agent_id: str
    session_id: str | None
    session_key: str | None
    occurred_at: datetime
    provider: str | None
    model: str | None
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    cache_write_1h_tokens: int
    recorded_cost_usd: float | None
    recorded_cost_origin: str | None
    response_id: str | None
    stop_reason: str | None
    source: str
    source_path: str
    source_line: int


USAGE_EVENT_COLUMNS: tuple[str, ...] = UsageEvent._fields
# read_usage_events copies a ParsedCall's fields after event_id into these places in one go.
CALL_FIELDS = slice(4, 4 + len(ParsedCall._fields) - 1)
if USAGE_EVENT_COLUMNS[CALL_FIELDS] != ParsedCall._fields[1:]:
    raise ImportError("UsageEvent and ParsedCall fields are out of step")
