"""Which rows of a table a partitioned output or input covers: a window on one column.

Computed once per output or input from Dagster's partition time window, then handed to the merge
(what a replace removes, where rows must fall) and the read (what a load selects).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dagster as dg

from mission_pipeline.warehouse.io_manager.catalog import Table
from mission_pipeline.warehouse.io_manager.write_modes import WriteSpec, WriteSpecError


@dataclass(frozen=True)
class Window:
    """A partition window on one column: lower bound inclusive, upper exclusive."""

    column: str
    lower: Any
    upper: Any


def partition_window(
    context: dg.InputContext | dg.OutputContext, spec: WriteSpec, table: Table
) -> Window | None:
    """The window of the context's partitions (a backfill's whole range); None when unpartitioned."""
    if not context.has_asset_partitions:
        return None
    if spec.partition_expr is None:
        raise WriteSpecError(f"{table.qualified} is partitioned: add metadata partition_expr=<column>")
    time_window = context.asset_partitions_time_window
    column = table.column(spec.partition_expr)
    if column.type == "date":
        # The window is in the partitions' time zone, so its local dates are the days it covers.
        return Window(column.name, time_window.start.date(), time_window.end.date())
    return Window(column.name, time_window.start, time_window.end)
