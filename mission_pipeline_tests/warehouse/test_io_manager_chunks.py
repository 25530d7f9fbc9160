"""An output streamed as many chunks is written exactly as the same rows in one DataFrame would be.

Each chunk is merged as it arrives; what needs the whole output (a replace's or a sync's removals,
duplicate keys) must still see every chunk, not only the last.
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
USAGE_META = {
    "write_mode": "replace_partition",
    "partition_expr": "date",
    "primary_key": ["agent_id", "date"],
}
# The rows each test asset hands over, one list per chunk.
CHUNKS: list[list[dict[str, Any]]] = []


def _usage(agent: str, day: int, tokens: int) -> dict[str, Any]:
    return {"agent_id": agent, "date": dt.date(2026, 11, day), "input_tokens": tokens, "total_cost": 0.5}


def _file(agent: str, path: str, size: int) -> dict[str, Any]:
    when = dt.datetime(2026, 11, 5, tzinfo=dt.UTC)
    return {"agent_id": agent, "file_path": path, "size_bytes": size, "modified_at": when}


def _stream() -> Iterator[pd.DataFrame]:
    for rows in CHUNKS:
        yield pd.DataFrame(rows)


@dg.asset(
    name="agent_usage",
    partitions_def=DAYS,
    metadata=USAGE_META,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def usage_in_chunks(context: dg.AssetExecutionContext) -> TableOutput:
    """Test stand-in for agent_usage, streamed."""
    return TableOutput(chunks=_stream())


@dg.asset(name="agent_workspaces", metadata={"write_mode": "sync", "primary_key": ["agent_id", "file_path"]})
def files_in_chunks() -> TableOutput:
    """Test stand-in for the workspace index, streamed, scoped to agent main."""
    return TableOutput(chunks=_stream(), sync_scope={"agent_id": ["main"]})


@pytest.fixture(autouse=True)
def _chunks() -> Iterator[None]:
    CHUNKS.clear()
    yield
    CHUNKS.clear()


def _usage_rows(target: DatabaseTarget) -> list[tuple[Any, ...]]:
    return query(target, "select agent_id, date::text, input_tokens from agent_usage order by 2, 1")


def test_a_replace_keeps_every_chunk_and_removes_only_what_none_has(pipeline_env: DatabaseTarget) -> None:
    CHUNKS[:] = [[_usage("main", 4, 1), _usage("max", 4, 2), _usage("main", 5, 3)]]
    assert run(pipeline_env, [usage_in_chunks], partition_range=("2026-11-04", "2026-11-05")).success
    # Rerun: "max" left day 4; "main" day 4 comes in the first chunk, day 5 changed in the last.
    CHUNKS[:] = [[_usage("main", 4, 1)], [], [_usage("dash", 5, 9), _usage("main", 5, 4)]]
    result = run(pipeline_env, [usage_in_chunks], partition_range=("2026-11-04", "2026-11-05"))
    assert result.success
    meta = output_metadata(result, "agent_usage")
    assert (meta["rows_inserted"], meta["rows_updated"], meta["rows_deleted"]) == (1, 1, 1)
    assert meta["rows_unchanged"] == 1
    assert meta["dagster/row_count"] == 3
    assert _usage_rows(pipeline_env) == [
        ("main", "2026-11-04", 1),
        ("dash", "2026-11-05", 9),
        ("main", "2026-11-05", 4),
    ]


def test_a_sync_removes_only_what_no_chunk_has(pipeline_env: DatabaseTarget) -> None:
    CHUNKS[:] = [[_file("main", "a.md", 1), _file("main", "b.md", 2), _file("main", "c.md", 3)]]
    assert run(pipeline_env, [files_in_chunks]).success
    CHUNKS[:] = [[_file("main", "a.md", 1)], [_file("main", "c.md", 30)]]
    result = run(pipeline_env, [files_in_chunks])
    assert result.success
    meta = output_metadata(result, "agent_workspaces")
    assert (meta["rows_inserted"], meta["rows_updated"], meta["rows_deleted"]) == (0, 1, 1)
    rows = query(pipeline_env, "select file_path, size_bytes from agent_workspaces order by 1")
    assert rows == [("a.md", 1), ("c.md", 30)]


def test_a_key_in_two_chunks_is_named_and_nothing_is_written(pipeline_env: DatabaseTarget) -> None:
    CHUNKS[:] = [[_usage("main", 4, 1)]]
    assert run(pipeline_env, [usage_in_chunks], partition_range=("2026-11-04", "2026-11-05")).success
    CHUNKS[:] = [[_usage("main", 4, 2), _usage("max", 5, 1)], [_usage("dash", 5, 1)], [_usage("max", 5, 3)]]
    result = run(pipeline_env, [usage_in_chunks], partition_range=("2026-11-04", "2026-11-05"))
    assert not result.success
    assert (
        "duplicate keys (agent_id, date) in the output: ('max', datetime.date(2026, 11, 5)) x2"
        in failure_message(result)
    )
    assert _usage_rows(pipeline_env) == [("main", "2026-11-04", 1)]


def test_a_bad_late_chunk_rolls_back_the_chunks_already_merged(pipeline_env: DatabaseTarget) -> None:
    CHUNKS[:] = [[_usage("main", 4, 1)]]
    assert run(pipeline_env, [usage_in_chunks], partition_range=("2026-11-04", "2026-11-05")).success
    CHUNKS[:] = [[_usage("main", 4, 5), _usage("max", 5, 1)], [_usage("dash", 6, 1)]]  # day 6: outside
    result = run(pipeline_env, [usage_in_chunks], partition_range=("2026-11-04", "2026-11-05"))
    assert not result.success
    assert "1 row(s) have date outside the partition" in failure_message(result)
    assert _usage_rows(pipeline_env) == [("main", "2026-11-04", 1)]
