"""A first load of a window: chunks COPYed straight into the table, with no stage and no merge.

When an upsert's window holds no row of the table as the write begins (a backfill of days never
loaded, the first run of a day), every row of the output is new: staging it, recording its keys and
probing the table for each would only find that out, at about twice the cost of one COPY. (Only where
the role may COPY into the table: PostgreSQL refuses it under row-level security.) So each
chunk whose rows all lie in the window is copied into the table directly, under a savepoint. The
first chunk that cannot be (a key already there, say a call whose other copy is dated another day,
or a key twice in the output, or a row outside the window) is undone alone, and from then on the
write merges as usual: the keys copied so far are recorded first, so a key seen twice is still named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

from mission_pipeline.warehouse.io_manager.catalog import Table
from mission_pipeline.warehouse.io_manager.encode import EncodedChunk
from mission_pipeline.warehouse.io_manager.partition_window import Window


def copy_allowed(conn: psycopg.Connection[TupleRow], table: Table) -> bool:
    """True when this role may COPY into the table: PostgreSQL refuses COPY FROM where row-level
    security applies (a gateway's writer role under RLS); its rows then go through the stage."""
    row = conn.execute(
        "select not c.relrowsecurity or r.rolsuper or r.rolbypassrls"
        " or (not c.relforcerowsecurity and pg_has_role(current_user, c.relowner, 'USAGE'))"
        " from pg_class as c, pg_roles as r where c.oid = %s and r.rolname = current_user",
        (table.oid,),
    ).fetchone()
    return bool(row and row[0])


def window_is_empty(conn: psycopg.Connection[TupleRow], table: Table, window: Window) -> bool:
    """True when the table holds no row of the window (an index probe on the partition column)."""
    row = conn.execute(
        sql.SQL("select exists (select 1 from {t} where {c} >= %s and {c} < %s)").format(
            t=sql.Identifier(table.schema, table.name), c=sql.Identifier(window.column)
        ),
        (window.lower, window.upper),
    ).fetchone()
    return not (row and row[0])


def inside(frame: pd.DataFrame, window: Window) -> bool:
    """True when every row's partition column lies in [lower, upper) (checked in the asset's thread)."""
    if not len(frame):
        return True
    values = frame[window.column]
    if values.isna().any():
        return False
    lowest, highest = values.min(), values.max()
    return bool(_comparable(lowest) >= window.lower and _comparable(highest) < window.upper)


def _comparable(value: Any) -> Any:
    # A pandas Timestamp compares with an aware datetime; a date column's values are dates already.
    return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value


@dataclass
class StraightCopy:
    """Whether chunks still go straight into the table, and the copy itself."""

    conn: psycopg.Connection[TupleRow]
    table: Table
    window: Window
    key: tuple[str, ...]
    active: bool = True

    def copy(self, chunk: EncodedChunk, in_window: bool) -> bool:
        """COPY the chunk into the table; False (and nothing written) when it must be merged instead."""
        if not self.active:
            return False
        if in_window:
            try:
                with self.conn.transaction():  # a savepoint: a clash undoes this chunk only
                    target = sql.Identifier(self.table.schema, self.table.name)
                    with self.conn.cursor() as cur, cur.copy(chunk.copy_into(target)) as copy:
                        copy.write(chunk.data)
                return True
            except psycopg.errors.UniqueViolation:
                pass
        self.active = False
        return False

    def record_copied_keys(self, keys: sql.Identifier) -> None:
        """The keys copied so far (the window was empty, so all its rows), for the merge that follows."""
        cols = sql.SQL(", ").join(map(sql.Identifier, self.key))
        self.conn.execute(
            sql.SQL("insert into {keys} ({cols}) select {cols} from {t} where {c} >= %s and {c} < %s").format(
                keys=keys,
                cols=cols,
                t=sql.Identifier(self.table.schema, self.table.name),
                c=sql.Identifier(self.window.column),
            ),
            (self.window.lower, self.window.upper),
        )
