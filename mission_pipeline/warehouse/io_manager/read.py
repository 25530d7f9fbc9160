"""What `load_input` reads: a table's columns, only the rows of the partitions asked for."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

from mission_pipeline.warehouse.io_manager.catalog import Table
from mission_pipeline.warehouse.io_manager.partition_window import Window


def read_table(
    conn: psycopg.Connection[TupleRow],
    table: Table,
    wanted: Sequence[Any] | None,
    window: Window | None,
) -> pd.DataFrame:
    """The `wanted` columns (all when None or empty) of the rows in `window` (all when None)."""
    columns = [table.column(str(c)).name for c in wanted] if wanted else [c.name for c in table.columns]
    query = sql.SQL("select {cols} from {t}").format(
        cols=sql.SQL(", ").join(map(sql.Identifier, columns)),
        t=sql.Identifier(table.schema, table.name),
    )
    params: tuple[Any, ...] = ()
    if window is not None:
        query += sql.SQL(" where {c} >= %s and {c} < %s").format(c=sql.Identifier(window.column))
        params = (window.lower, window.upper)
    with conn.cursor() as cur:
        cur.execute(query, params)
        rows = cur.fetchall()
    return pd.DataFrame(rows, columns=columns)
