"""Token usage of every model call in an OpenClaw state directory, one `UsageEvent` per call.

The flow: every storage kind is a `TranscriptStore` in `transcripts.sources.STORES`; each says which
parts it has and when they are read (`ReadStep`). Pass by pass, for every agent, each part's store
yields sections of raw lines (`transcripts.reading.Section`), `agent_reader` parses them, and this
module keeps the calls inside the window, each `event_id` once. Today's order: each agent's SQLite
transcripts (2026.7.2 and later), then live JSONL files (the file era, or leftovers next to SQLite),
then archives (reset/deleted files, then archives kept in SQLite, cold storage). A call can sit in
several of them (leftover JSONL, a fork's copy of its parent, an archive of a deleted session), so
every call has an `event_id` that is the same in every copy: the first copy in that order wins.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.transcripts import sources
from mission_pipeline.openclaw.transcripts.files import agent_ids_in
from mission_pipeline.openclaw.transcripts.keys import CronKeys
from mission_pipeline.openclaw.transcripts.line_index import LineIndex
from mission_pipeline.openclaw.transcripts.sqlite import MARGIN_MS
from mission_pipeline.openclaw.transcripts.store import TranscriptStore, read_passes
from mission_pipeline.openclaw.usage.agent_reader import AgentReader
from mission_pipeline.openclaw.usage.events import UsageEvent
from mission_pipeline.openclaw.usage.seen import SeenIds
from mission_pipeline.openclaw.usage.window import TimeWindow


def read_usage_events(
    state_dir: Path,
    *,
    agent_ids: Sequence[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    problems: ProblemLog,
    line_index: LineIndex | None = None,
) -> Iterator[UsageEvent]:
    """Stream the model calls with `start <= occurred_at < end`, each `event_id` once.

    With a `line_index`, plain transcripts are read from the last checkpoint before the window and
    checkpoints are noted for the next read (the caller saves the index).
    """
    window = TimeWindow.of(start, end)
    # Cron runs that ended an hour (the pruning margin) before the window wrote none of its lines.
    since_ms = None if window.start_ms is None else window.start_ms - MARGIN_MS
    cron = CronKeys(state_dir, problems, since_ms, line_index)
    stores = sources.STORES
    agents = [
        AgentReader(state_dir, a, problems, window, cron, stores, line_index)
        for a in agent_ids_in(state_dir, agent_ids)
    ]
    seen = SeenIds()
    for steps in read_passes(stores):
        for agent in agents:
            for event in cell_events(agent, steps, window):
                if seen.first(event.event_id):
                    yield event


def cell_events(
    agent: AgentReader, steps: Sequence[tuple[TranscriptStore, str]], window: TimeWindow
) -> Iterator[UsageEvent]:
    """One agent's calls of one pass inside the window, in reading order, copies not yet removed."""
    for store, part in steps:
        for found in agent.read(store, part):
            call = found.call
            if window.contains(call.occurred_at):
                # ParsedCall's fields after event_id are the event's from occurred_at on.
                yield UsageEvent(
                    call.event_id,
                    agent.agent_id,
                    found.session_id,
                    found.session_key,
                    *call[1:],
                    found.source,
                    found.source_path,
                    found.source_line,
                )
