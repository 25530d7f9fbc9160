"""The raw usage ledger: every deduplicated assistant call, upserted by event id, never deleted."""

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg

from mission_pipeline.defs.gateway import gateway_key, where_it_ran
from mission_pipeline.defs.resources import OpenClawResource, require_state_dir
from mission_pipeline.defs.usage import checks
from mission_pipeline.defs.usage.frames import LedgerTally, event_frames
from mission_pipeline.defs.usage.partitions import daily_usage_asset
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.transcripts.line_index import LineIndex
from mission_pipeline.openclaw.usage.batch import EventBatch
from mission_pipeline.openclaw.usage.parallel import read_usage_batches, usable_cores
from mission_pipeline.settings import get_settings
from mission_pipeline.warehouse.io_manager import TableOutput
from mission_pipeline.warehouse.resource import PostgresWarehouse

# Shorter reads stay in the step's process: starting workers costs more than they would save.
PARALLEL_FROM = dt.timedelta(days=7)


def read_workers(configured: int, span: dt.timedelta) -> int:
    """Reader processes for a window of `span`: the configured number (0: one per core) for a long one."""
    if span <= PARALLEL_FROM:
        return 1
    return configured or usable_cores()


def line_index_of(state_dir: Path) -> LineIndex:
    """The state dir's transcript line index, kept in the pipeline's data folder between runs."""
    digest = hashlib.sha256(str(state_dir.resolve()).encode()).hexdigest()[:16]
    return LineIndex.load(get_settings().mission_pipeline_data_dir / "line-index" / f"{digest}.json")


@daily_usage_asset(
    kinds={"python", "postgres"},
    metadata={
        "write_mode": "upsert",
        "partition_expr": "occurred_at",
        "primary_key": ["gateway_id", "event_id"],
    },
    check_specs=[
        dg.AssetCheckSpec(
            "tokens_non_negative",
            asset=gateway_key("openclaw_usage_events"),
            description="No ledger row of the window has a negative token count.",
        ),
        dg.AssetCheckSpec(
            "source_lines_readable",
            asset=gateway_key("openclaw_usage_events"),
            description="Every transcript line and row in the window could be read.",
        ),
    ],
)
def openclaw_usage_events(
    context: dg.AssetExecutionContext, openclaw: OpenClawResource, warehouse: PostgresWarehouse
) -> Iterator[Any]:
    """Raw usage ledger: one row per deduplicated assistant call from OpenClaw's transcripts."""
    window = context.partition_time_window
    state_dir = require_state_dir(openclaw, "openclaw_usage_events")
    problems = ProblemLog(base=state_dir)
    tally = LedgerTally()
    workers = read_workers(openclaw.read_workers, window.end - window.start)
    index = line_index_of(state_dir) if workers == 1 else None

    def batches() -> Iterator[EventBatch]:
        yield from read_usage_batches(
            state_dir,
            workers=workers,
            start=window.start,
            end=window.end,
            problems=problems,
            line_index=index,
        )
        if index is not None and (error := index.save()):
            context.log.warning(f"{error}; the next run reads those transcripts from their start")

    def summary() -> dict[str, Any]:
        return {
            **where_it_ran(openclaw.gateway_id),
            "openclaw_state_dir": str(state_dir),
            "calls_read": sum(tally.calls.values()),
            "calls_by_agent": dict(sorted(tally.calls.items())),
            "reader_processes": workers,
            "unreadable_lines": problems.count,
            "problems": dg.MetadataValue.md("\n".join(f"- `{p}`" for p in problems.lines(50)) or "none"),
        }

    # Written by the IO manager as the chunks stream in, inside one transaction.
    frames = event_frames(batches(), tally=tally, gateway_id=openclaw.gateway_id)
    yield dg.Output(TableOutput(chunks=frames, summary=summary))
    yield checks.ledger_tokens_non_negative(warehouse, window)
    yield checks.source_lines_readable(problems)
