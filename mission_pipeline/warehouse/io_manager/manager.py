"""The Dagster side of the IO manager: what each output and input is, handed to the parts that act.

`handle_output` reads the write spec (`write_modes`), finds the table (`catalog`) and the partition
window (`partition_window`), and has `merge` write the output in one transaction; `load_input` has
`read` select the partitions asked for.
"""

from collections.abc import Mapping
from typing import Any

import dagster as dg
import pandas as pd
import psycopg

from mission_pipeline.warehouse.database import WarehouseError
from mission_pipeline.warehouse.io_manager.catalog import Table, describe_table
from mission_pipeline.warehouse.io_manager.merge import WriteCounts, write_output
from mission_pipeline.warehouse.io_manager.partition_window import Window, partition_window
from mission_pipeline.warehouse.io_manager.read import read_table
from mission_pipeline.warehouse.io_manager.table_output import TableOutput
from mission_pipeline.warehouse.io_manager.write_modes import WriteSpec, WriteSpecError
from mission_pipeline.warehouse.resource import PostgresWarehouse
from mission_pipeline.warehouse.transient import retried_only_if_transient


class WarehouseWriteError(WarehouseError):
    """A write failed and was rolled back."""


class PostgresPandasIOManager(dg.ConfigurableIOManager):
    """Stores pandas DataFrames in Postgres tables, one transaction per output."""

    warehouse: PostgresWarehouse
    schema_name: str = "public"

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame | TableOutput) -> None:
        name = _asset_name(context)
        spec = _write_spec(context.definition_metadata, name)
        if isinstance(obj, pd.DataFrame):
            obj = TableOutput.of(obj)
        elif not isinstance(obj, TableOutput):
            raise WriteSpecError(f"{name}: expected a pandas DataFrame, got {type(obj).__name__}")
        # A connection lost mid-write is retried by the step's policy; a bad frame or SQL is final.
        with retried_only_if_transient():
            target = self.warehouse.target
            try:
                with target.connect(autocommit=True) as conn, conn.transaction():
                    table = describe_table(conn, spec.schema_name or self.schema_name, spec.table or name)
                    window = partition_window(context, spec, table)
                    counts, staged = write_output(conn, table, spec, window, obj)
            except psycopg.Error as exc:
                error = WarehouseWriteError(
                    f"writing {name} to {target.description} failed and was rolled back; "
                    f"the table keeps its previous rows. {target.redact(str(exc).strip())}"
                )
                error.transient = isinstance(exc, psycopg.OperationalError)
                raise error from None
        context.add_output_metadata(_output_metadata(table, spec, window, counts, staged, obj))

    def load_input(self, context: dg.InputContext) -> pd.DataFrame:
        upstream = context.upstream_output
        assert upstream is not None
        name = _asset_name(upstream)
        spec = _write_spec(upstream.definition_metadata, name)
        input_meta = context.definition_metadata or {}
        with self.warehouse.connect() as conn:
            table = describe_table(conn, spec.schema_name or self.schema_name, spec.table or name)
            window = None
            if context.has_asset_partitions:
                # An unpartitioned downstream asset gets every upstream partition by default: the
                # whole history in memory by accident, unless the input says it means it.
                if not context.step_context.has_partitions and not input_meta.get("allow_full_load"):
                    raise WriteSpecError(
                        f"refusing to load every partition of {table.qualified} into memory; give the "
                        "downstream asset partitions (or input metadata allow_full_load=True)"
                    )
                window = partition_window(context, spec, table)
                assert window is not None
            return read_table(conn, table, input_meta.get("columns"), window)


def _asset_name(context: dg.InputContext | dg.OutputContext) -> str:
    return context.asset_key.path[-1]


def _write_spec(metadata: Mapping[str, Any] | None, asset: str) -> WriteSpec:
    return WriteSpec.from_metadata(metadata or {}, asset=asset)


def _output_metadata(
    table: Table,
    spec: WriteSpec,
    window: Window | None,
    counts: WriteCounts,
    staged: int,
    output: TableOutput,
) -> dict[str, Any]:
    """What the write did, for the materialization: Dagster's table keys and the write's counts."""
    metadata: dict[str, Any] = {
        "dagster/table_name": table.qualified,
        "dagster/row_count": dg.MetadataValue.int(staged),
        "write_mode": spec.write_mode,
        "rows_inserted": counts.inserted,
        "rows_updated": counts.updated,
        "rows_unchanged": max(staged - counts.inserted - counts.updated, 0),
        "rows_deleted": counts.deleted,
    }
    if spec.write_mode == "upsert" and window is not None:
        # Rows of a window first loaded COPYed straight into the table, not staged and merged.
        metadata["rows_copied_straight"] = counts.copied_straight
    if spec.gone_column:
        metadata["rows_marked_gone"] = counts.marked_gone
    if window is not None:
        metadata["dagster/partition_row_count"] = dg.MetadataValue.int(staged)
        metadata["partition_window"] = f"{window.column} in [{window.lower}, {window.upper})"
    if output.summary is not None:
        metadata.update(output.summary())
    return metadata
