"""Small helpers for materializing test assets through the real IO manager."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dagster as dg
from dagster_shared.error import SerializableErrorInfo

from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline.warehouse.io_manager import PostgresPandasIOManager
from mission_pipeline.warehouse.resource import PostgresWarehouse


def resources(database: DatabaseTarget) -> dict[str, Any]:
    """The production IO manager and warehouse, writing to `database`."""
    warehouse = PostgresWarehouse(database_url=database.url)
    return {"io_manager": PostgresPandasIOManager(warehouse=warehouse), "warehouse": warehouse}


def run(
    database: DatabaseTarget,
    assets: Sequence[dg.AssetsDefinition],
    *,
    partition: str | None = None,
    partition_range: tuple[str, str] | None = None,
    instance: dg.DagsterInstance | None = None,
    selection: Sequence[dg.AssetsDefinition] | None = None,
) -> dg.ExecuteInProcessResult:
    """Materialize; failures come back in the result instead of raising."""
    tags = {}
    if partition_range is not None:
        tags = {
            "dagster/asset_partition_range_start": partition_range[0],
            "dagster/asset_partition_range_end": partition_range[1],
        }
    if instance is None:
        # An entered instance of its own: Dagster keeps the current instance in a context variable,
        # and a run must never see one another test left behind.
        with dg.instance_for_test() as own:
            return run(
                database,
                assets,
                partition=partition,
                partition_range=partition_range,
                instance=own,
                selection=selection,
            )
    return dg.materialize(
        assets,
        resources=resources(database),
        partition_key=partition,
        tags=tags,
        instance=instance,
        raise_on_error=False,
        selection=selection,
    )


def failure_message(result: dg.ExecuteInProcessResult) -> str:
    """The text of every step failure in the run, causes included."""
    texts = []
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data.error is not None:
            error: SerializableErrorInfo | None = event.step_failure_data.error
            while error is not None:
                texts.append(error.message)
                error = error.cause
    return "\n".join(texts)


def output_metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, Any]:
    """The last materialization's metadata of `asset`, as plain values."""
    events = result.asset_materializations_for_node(asset)
    assert events, f"{asset} was not materialized"
    return {k: getattr(v, "value", v) for k, v in events[-1].metadata.items()}
