"""replace_partition: a partition ends up holding exactly the output; reruns change nothing."""

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

# What the test asset returns per day; tests edit it between runs, as OpenClaw's data would change.
SOURCE: dict[str, list[dict[str, Any]]] = {}


def _rows(days: list[str]) -> pd.DataFrame:
    rows = [dict(r, date=dt.date.fromisoformat(d)) for d in days for r in SOURCE.get(d, [])]
    return pd.DataFrame(rows, columns=["agent_id", "date", "input_tokens", "total_cost", "model"])


@dg.asset(
    name="agent_usage",
    partitions_def=DAYS,
    metadata=USAGE_META,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def usage_asset(context: dg.AssetExecutionContext) -> pd.DataFrame:
    """Test stand-in for agent_usage."""
    return _rows(context.partition_keys)


def _table(target: DatabaseTarget) -> list[tuple[Any, ...]]:
    return query(
        target,
        "select agent_id, date::text, input_tokens, total_cost::float8, model, id, created_at, updated_at"
        " from agent_usage order by date, agent_id",
    )


@pytest.fixture(autouse=True)
def _source() -> Iterator[None]:
    SOURCE.clear()
    SOURCE["2026-11-05"] = [
        {"agent_id": "main", "input_tokens": 100, "total_cost": 0.5, "model": "claude-opus-4-6"},
        {"agent_id": "max", "input_tokens": 7, "total_cost": 0.25, "model": None},
    ]
    SOURCE["2026-11-06"] = [{"agent_id": "main", "input_tokens": 1, "total_cost": 0.01, "model": "m"}]
    yield
    SOURCE.clear()


def test_rerunning_a_partition_leaves_identical_rows(pipeline_env: DatabaseTarget) -> None:
    assert run(pipeline_env, [usage_asset], partition="2026-11-05").success
    before = _table(pipeline_env)
    assert [r[:5] for r in before] == [
        ("main", "2026-11-05", 100, 0.5, "claude-opus-4-6"),
        ("max", "2026-11-05", 7, 0.25, None),
    ]
    again = run(pipeline_env, [usage_asset], partition="2026-11-05")
    assert again.success
    assert _table(pipeline_env) == before  # ids, created_at and updated_at included
    meta = output_metadata(again, "agent_usage")
    assert (meta["rows_inserted"], meta["rows_updated"], meta["rows_deleted"], meta["rows_unchanged"]) == (
        0,
        0,
        0,
        2,
    )
    assert meta["dagster/row_count"] == 2
    assert meta["dagster/table_name"] == "public.agent_usage"


def test_changed_source_updates_and_deletes_only_inside_the_partition(pipeline_env: DatabaseTarget) -> None:
    assert run(pipeline_env, [usage_asset], partition="2026-11-05").success
    assert run(pipeline_env, [usage_asset], partition="2026-11-06").success
    SOURCE["2026-11-05"] = [{"agent_id": "main", "input_tokens": 150, "total_cost": 0.75, "model": "x"}]
    result = run(pipeline_env, [usage_asset], partition="2026-11-05")
    meta = output_metadata(result, "agent_usage")
    assert (meta["rows_inserted"], meta["rows_updated"], meta["rows_deleted"]) == (0, 1, 1)
    assert [r[:4] for r in _table(pipeline_env)] == [
        ("main", "2026-11-05", 150, 0.75),
        ("main", "2026-11-06", 1, 0.01),
    ]


def test_an_empty_partition_removes_its_rows(pipeline_env: DatabaseTarget) -> None:
    assert run(pipeline_env, [usage_asset], partition="2026-11-05").success
    SOURCE["2026-11-05"] = []
    result = run(pipeline_env, [usage_asset], partition="2026-11-05")
    assert result.success
    assert output_metadata(result, "agent_usage")["rows_deleted"] == 2
    assert _table(pipeline_env) == []


def test_a_backfill_range_is_one_write(pipeline_env: DatabaseTarget) -> None:
    SOURCE["2026-11-04"] = [{"agent_id": "dash", "input_tokens": 3, "total_cost": 0.0, "model": "h"}]
    result = run(pipeline_env, [usage_asset], partition_range=("2026-11-04", "2026-11-06"))
    assert result.success
    handled = [e for e in result.all_events if e.event_type_value == "HANDLED_OUTPUT"]
    assert len(handled) == 1
    materialized = result.asset_materializations_for_node("agent_usage")
    assert sorted(m.partition or "" for m in materialized) == ["2026-11-04", "2026-11-05", "2026-11-06"]
    meta = output_metadata(result, "agent_usage")
    assert meta["partition_window"] == "date in [2026-11-04, 2026-11-07)"
    assert meta["rows_inserted"] == 4
    assert len(_table(pipeline_env)) == 4


def test_an_exception_in_the_middle_of_a_write_keeps_the_previous_rows(pipeline_env: DatabaseTarget) -> None:
    assert run(pipeline_env, [usage_asset], partition="2026-11-05").success
    before = _table(pipeline_env)

    def chunks() -> Iterator[pd.DataFrame]:
        yield _rows(["2026-11-05"]).assign(input_tokens=999)
        raise OSError("disk vanished while reading the second chunk")

    @dg.asset(name="agent_usage", partitions_def=DAYS, metadata=USAGE_META)
    def failing(context: dg.AssetExecutionContext) -> TableOutput:
        """Fails halfway through its output."""
        return TableOutput(chunks=chunks())

    result = run(pipeline_env, [failing], partition="2026-11-05")
    assert not result.success
    assert "disk vanished" in failure_message(result)
    assert _table(pipeline_env) == before


def test_a_wrong_column_fails_with_a_clear_message(pipeline_env: DatabaseTarget) -> None:
    @dg.asset(name="agent_usage", partitions_def=DAYS, metadata=USAGE_META)
    def misspelled(context: dg.AssetExecutionContext) -> pd.DataFrame:
        """Has a column the table lacks."""
        return pd.DataFrame([{"agent_id": "main", "date": dt.date(2026, 11, 5), "input_tokenz": 1}])

    result = run(pipeline_env, [misspelled], partition="2026-11-05")
    assert not result.success
    message = failure_message(result)
    assert "public.agent_usage: the DataFrame has columns the table lacks: input_tokenz" in message
    assert "table columns: id, agent_id, date" in message


def test_rows_outside_the_partition_are_refused(pipeline_env: DatabaseTarget) -> None:
    SOURCE["2026-11-05"] = SOURCE["2026-11-05"][:1]

    @dg.asset(name="agent_usage", partitions_def=DAYS, metadata=USAGE_META)
    def leaky(context: dg.AssetExecutionContext) -> pd.DataFrame:
        """Returns a row of the next day."""
        return _rows(["2026-11-05", "2026-11-06"])

    result = run(pipeline_env, [leaky], partition="2026-11-05")
    assert not result.success
    assert "1 row(s) have date outside the partition [2026-11-05, 2026-11-06)" in failure_message(result)
    assert _table(pipeline_env) == []


def test_duplicate_keys_are_named(pipeline_env: DatabaseTarget) -> None:
    SOURCE["2026-11-05"] = SOURCE["2026-11-05"] + SOURCE["2026-11-05"][:1]
    result = run(pipeline_env, [usage_asset], partition="2026-11-05")
    assert not result.success
    assert (
        "duplicate keys (agent_id, date) in the output: ('main', datetime.date(2026, 11, 5)) x2"
        in failure_message(result)
    )


def test_missing_partition_expr_is_a_clear_error(pipeline_env: DatabaseTarget) -> None:
    @dg.asset(name="agent_usage", partitions_def=DAYS, metadata={"write_mode": "replace_partition"})
    def undeclared(context: dg.AssetExecutionContext) -> pd.DataFrame:
        """Partitioned without partition_expr."""
        return _rows(["2026-11-05"])

    result = run(pipeline_env, [undeclared], partition="2026-11-05")
    assert "public.agent_usage is partitioned: add metadata partition_expr=<column>" in failure_message(
        result
    )
