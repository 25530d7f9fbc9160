"""A Postgres IO manager for pandas: every output is one transaction, COPYed and merged chunk by chunk.

Write modes (asset metadata `write_mode`):
- replace_partition: the partition's window (`partition_expr`) ends up holding exactly the output's
  rows; with a `primary_key`, unchanged rows are left untouched instead of deleted and re-inserted.
  A single-run backfill replaces its whole range in one write.
- upsert: insert new keys, update changed rows, never delete.
- sync: upsert, then delete (or mark in `gone_column`) the rows of the scope the output no longer has.
A `TableOutput` streams its rows as chunks: a writer thread merges each one (`chunk_merge`) while the
asset builds the next. A failure anywhere rolls back the whole output: the table keeps its previous rows.
"""

import itertools
from collections.abc import Mapping
from typing import Any

import dagster as dg
import pandas as pd
import psycopg
from psycopg import sql

from mission_pipeline.warehouse import writes
from mission_pipeline.warehouse.catalog import Table, describe_table
from mission_pipeline.warehouse.chunk_merge import ChunkMerge
from mission_pipeline.warehouse.database import WarehouseError
from mission_pipeline.warehouse.overlap import run_pipelined
from mission_pipeline.warehouse.resource import PostgresWarehouse
from mission_pipeline.warehouse.staging import encode_chunk
from mission_pipeline.warehouse.table_output import TableOutput
from mission_pipeline.warehouse.transient import retried_only_if_transient
from mission_pipeline.warehouse.write_spec import WriteSpec, WriteSpecError


class WarehouseWriteError(WarehouseError):
    """A write failed and was rolled back."""


class PostgresPandasIOManager(dg.ConfigurableIOManager):
    """Stores pandas DataFrames in Postgres tables, one transaction per output."""

    warehouse: PostgresWarehouse
    schema_name: str = "public"

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame | TableOutput) -> None:
        spec = self._spec(context.definition_metadata, context)
        if isinstance(obj, pd.DataFrame):
            obj = TableOutput.of(obj)
        elif not isinstance(obj, TableOutput):
            raise WriteSpecError(
                f"{self._name(context)}: expected a pandas DataFrame, got {type(obj).__name__}"
            )
        # A connection lost mid-write is retried by the step's policy; a bad frame or SQL is final.
        with retried_only_if_transient():
            target = self.warehouse.target
            try:
                with target.connect(autocommit=True) as conn, conn.transaction():
                    table = describe_table(
                        conn, spec.schema_name or self.schema_name, spec.table or self._name(context)
                    )
                    window = self._window(context, spec, table)
                    counts, staged = _write(conn, table, spec, window, obj)
            except psycopg.Error as exc:
                error = WarehouseWriteError(
                    f"writing {self._name(context)} to {target.description} failed and was rolled back; "
                    f"the table keeps its previous rows. {target.redact(str(exc).strip())}"
                )
                error.transient = isinstance(exc, psycopg.OperationalError)
                raise error from None
        metadata: dict[str, Any] = {
            "dagster/table_name": table.qualified,
            "dagster/row_count": dg.MetadataValue.int(staged),
            "write_mode": spec.write_mode,
            "rows_inserted": counts.inserted,
            "rows_updated": counts.updated,
            "rows_unchanged": max(staged - counts.inserted - counts.updated, 0),
            "rows_deleted": counts.deleted,
        }
        if spec.gone_column:
            metadata["rows_marked_gone"] = counts.marked_gone
        if window is not None:
            metadata["dagster/partition_row_count"] = dg.MetadataValue.int(staged)
            metadata["partition_window"] = f"{window.column} in [{window.lower}, {window.upper})"
        if obj.summary is not None:
            metadata.update(obj.summary())
        context.add_output_metadata(metadata)

    def load_input(self, context: dg.InputContext) -> pd.DataFrame:
        upstream = context.upstream_output
        assert upstream is not None
        spec = self._spec(upstream.definition_metadata, upstream)
        input_meta = context.definition_metadata or {}
        wanted = input_meta.get("columns")
        with self.warehouse.connect() as conn:
            table = describe_table(
                conn, spec.schema_name or self.schema_name, spec.table or self._name(upstream)
            )
            columns = (
                [table.column(str(c)).name for c in wanted] if wanted else [c.name for c in table.columns]
            )
            query = sql.SQL("select {cols} from {t}").format(
                cols=sql.SQL(", ").join(map(sql.Identifier, columns)),
                t=sql.Identifier(table.schema, table.name),
            )
            params: tuple[Any, ...] = ()
            if context.has_asset_partitions:
                # An unpartitioned downstream asset gets every upstream partition by default: the
                # whole history in memory by accident, unless the input says it means it.
                if not context.step_context.has_partitions and not input_meta.get("allow_full_load"):
                    raise WriteSpecError(
                        f"refusing to load every partition of {table.qualified} into memory; give the "
                        "downstream asset partitions (or input metadata allow_full_load=True)"
                    )
                window = self._window(context, spec, table)
                assert window is not None
                query += sql.SQL(" where {c} >= %s and {c} < %s").format(c=sql.Identifier(window.column))
                params = (window.lower, window.upper)
            with conn.cursor() as cur:
                cur.execute(query, params)
                rows = cur.fetchall()
        return pd.DataFrame(rows, columns=columns)

    def _spec(
        self, metadata: Mapping[str, Any] | None, context: dg.InputContext | dg.OutputContext
    ) -> WriteSpec:
        return WriteSpec.from_metadata(metadata or {}, asset=self._name(context))

    @staticmethod
    def _name(context: dg.InputContext | dg.OutputContext) -> str:
        return context.asset_key.path[-1]

    @staticmethod
    def _window(
        context: dg.InputContext | dg.OutputContext, spec: WriteSpec, table: Table
    ) -> writes.Window | None:
        if not context.has_asset_partitions:
            return None
        if spec.partition_expr is None:
            raise WriteSpecError(f"{table.qualified} is partitioned: add metadata partition_expr=<column>")
        time_window = context.asset_partitions_time_window
        column = table.column(spec.partition_expr)
        if column.type == "date":
            # The window is in the partitions' time zone, so its local dates are the days it covers.
            return writes.Window(column.name, time_window.start.date(), time_window.end.date())
        return writes.Window(column.name, time_window.start, time_window.end)


def _write(
    conn: psycopg.Connection[Any],
    table: Table,
    spec: WriteSpec,
    window: writes.Window | None,
    output: TableOutput,
) -> tuple[writes.WriteCounts, int]:
    writes.lock_table(conn, table)
    chunks = iter(output)
    first = next(chunks, None)
    key = spec.primary_key
    if first is not None and first.empty and not set(key) <= set(map(str, first.columns)):
        first = None  # e.g. pd.DataFrame([]): no rows and no columns
    if first is not None:
        columns = [str(c) for c in first.columns]
    else:
        # No rows at all: a stage with just the key still tells replace and sync what to remove.
        columns = list(key) or ([window.column] if window else [])
    table.check_frame_columns(columns, required=key)
    merge = ChunkMerge(conn, table, spec, window, columns)
    merge.begin()
    frames = itertools.chain([first] if first is not None else [], chunks)
    # This thread runs the asset's generator and encodes each chunk for COPY; the writer thread only
    # sends chunk n and waits while PostgreSQL merges it, so the GIL stays here to build chunk n+1.
    with conn.cursor() as encoder:  # made before the writer thread starts using the connection
        run_pipelined((encode_chunk(encoder, table, columns, frame) for frame in frames), merge.add)
    return merge.finish(output), merge.staged
