"""An upsert into a window the table has no row of is copied straight in, with the merge's results.

The first load of a day (or a backfill of days never loaded) skips the stage: these tests pin that the
rows, the counts and the refusals are exactly the merge's, including when a chunk cannot go straight in.
"""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import dagster as dg
import pandas as pd
import pytest

from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline.warehouse.io_manager import TableOutput
from mission_pipeline_tests.fixtures.postgres import query
from mission_pipeline_tests.warehouse.dagster_helpers import failure_message, output_metadata, run

DAYS = dg.DailyPartitionsDefinition(start_date="2026-11-01", end_date="2026-12-01")
CHUNKS: list[list[dict[str, Any]]] = []
WINDOW = ("2026-11-04", "2026-11-05")


def _event(event_id: str, day: int, tokens: int) -> dict[str, Any]:
    return {
        "gateway_id": "default",
        "event_id": event_id,
        "agent_id": "main",
        "occurred_at": dt.datetime(2026, 11, day, 12, 0, tzinfo=dt.UTC),
        "input_tokens": tokens,
        "output_tokens": 1,
        "cache_read_tokens": 0,
        "cache_write_tokens": 0,
        "source": "sqlite",
    }


@dg.asset(
    name="openclaw_usage_events",
    partitions_def=DAYS,
    metadata={
        "write_mode": "upsert",
        "partition_expr": "occurred_at",
        "primary_key": ["gateway_id", "event_id"],
    },
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def ledger(context: dg.AssetExecutionContext) -> TableOutput:
    """Test stand-in for the usage ledger, streamed in chunks."""
    return TableOutput(chunks=(pd.DataFrame(rows) for rows in CHUNKS))


@pytest.fixture(autouse=True)
def _chunks() -> Iterator[None]:
    CHUNKS.clear()
    yield
    CHUNKS.clear()


def _rows(target: DatabaseTarget) -> list[tuple[Any, ...]]:
    return query(
        target, "select event_id, occurred_at::date::text, input_tokens from openclaw_usage_events order by 1"
    )


def _counts(result: dg.ExecuteInProcessResult) -> tuple[int, int, int, int]:
    """Inserted, updated, deleted, and of the inserted those copied straight into the table."""
    meta = output_metadata(result, "openclaw_usage_events")
    return meta["rows_inserted"], meta["rows_updated"], meta["rows_deleted"], meta["rows_copied_straight"]


def test_a_first_load_writes_every_chunk_and_a_rerun_changes_nothing(pipeline_env: DatabaseTarget) -> None:
    CHUNKS[:] = [[_event("a", 4, 1), _event("b", 4, 2)], [_event("c", 5, 3)]]
    first = run(pipeline_env, [ledger], partition_range=WINDOW)
    assert first.success and _counts(first) == (3, 0, 0, 3)
    before = query(pipeline_env, "select event_id, created_at, updated_at from openclaw_usage_events")
    rerun = run(pipeline_env, [ledger], partition_range=WINDOW)
    assert rerun.success and _counts(rerun) == (0, 0, 0, 0)
    assert query(pipeline_env, "select event_id, created_at, updated_at from openclaw_usage_events") == before
    assert _rows(pipeline_env) == [("a", "2026-11-04", 1), ("b", "2026-11-04", 2), ("c", "2026-11-05", 3)]


def test_a_key_already_there_on_another_day_is_merged_not_refused(pipeline_env: DatabaseTarget) -> None:
    # The same call read earlier with another day's time: the window is empty, the key is not.
    CHUNKS[:] = [[_event("x", 10, 7)]]
    assert run(pipeline_env, [ledger], partition="2026-11-10").success
    CHUNKS[:] = [[_event("a", 4, 1)], [_event("x", 4, 8), _event("b", 5, 2)], [_event("c", 5, 3)]]
    result = run(pipeline_env, [ledger], partition_range=WINDOW)
    assert result.success, failure_message(result)
    assert _counts(result) == (3, 1, 0, 1)  # "a" went straight in; the chunk with "x" was merged
    assert _rows(pipeline_env) == [
        ("a", "2026-11-04", 1),
        ("b", "2026-11-05", 2),
        ("c", "2026-11-05", 3),
        ("x", "2026-11-04", 8),
    ]


def test_a_key_twice_in_a_first_load_is_named_and_nothing_is_written(pipeline_env: DatabaseTarget) -> None:
    CHUNKS[:] = [[_event("a", 4, 1)], [_event("b", 4, 2)], [_event("a", 5, 3)]]
    result = run(pipeline_env, [ledger], partition_range=WINDOW)
    assert not result.success
    assert "duplicate keys (gateway_id, event_id) in the output: ('default', 'a') x2" in failure_message(
        result
    )
    assert _rows(pipeline_env) == []


def test_a_row_outside_the_window_is_upserted_as_before(pipeline_env: DatabaseTarget) -> None:
    # upsert does not confine rows to the window; such a chunk simply takes the merge.
    CHUNKS[:] = [[_event("a", 4, 1)], [_event("b", 20, 2)], [_event("a", 4, 3)]]
    result = run(pipeline_env, [ledger], partition_range=WINDOW)
    assert not result.success  # the key named twice is still caught after the switch
    assert "duplicate keys (gateway_id, event_id) in the output: ('default', 'a') x2" in failure_message(
        result
    )
    CHUNKS[:] = [[_event("a", 4, 1)], [_event("b", 20, 2)], [_event("c", 5, 3)]]
    result = run(pipeline_env, [ledger], partition_range=WINDOW)
    assert result.success and _counts(result) == (3, 0, 0, 1)
    assert _rows(pipeline_env) == [("a", "2026-11-04", 1), ("b", "2026-11-20", 2), ("c", "2026-11-05", 3)]
