"""The temporary tables an output passes through, inside the write's transaction.

`STAGE` holds one chunk at a time (emptied before the next); `KEYS` collects the keys of every chunk,
unique, for the steps that need the whole output (removing the rows it no longer has).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

from mission_pipeline.warehouse.io_manager.catalog import Table

if TYPE_CHECKING:
    from mission_pipeline.warehouse.io_manager.encode import EncodedChunk

STAGE = sql.Identifier("mp_stage")
KEYS = sql.Identifier("mp_keys")


def create_stage(
    conn: psycopg.Connection[TupleRow], table: Table, columns: Sequence[str], key: Sequence[str] = ()
) -> None:
    """Temporary tables of the target's types, dropped at commit: `STAGE` for `columns`, `KEYS` for `key`."""
    _create_like(conn, STAGE, table, columns)
    if key:
        _create_like(conn, KEYS, table, key)
        # Unique, not a primary key: like the target's own match, a null never equals another key.
        conn.execute(
            sql.SQL("create unique index on {keys} ({cols})").format(
                keys=KEYS, cols=sql.SQL(", ").join(map(sql.Identifier, key))
            )
        )


def _create_like(
    conn: psycopg.Connection[TupleRow], name: sql.Identifier, table: Table, columns: Sequence[str]
) -> None:
    conn.execute(
        sql.SQL("create temp table {name} on commit drop as select {cols} from {table} with no data").format(
            name=name,
            cols=sql.SQL(", ").join(map(sql.Identifier, columns)),
            table=sql.Identifier(table.schema, table.name),
        )
    )


def load_chunk(conn: psycopg.Connection[TupleRow], chunk: EncodedChunk) -> int:
    """Replace the stage's rows with the chunk's (its COPY into `STAGE`); returns the rows staged."""
    conn.execute(sql.SQL("truncate {stage}").format(stage=STAGE))
    if chunk.rows:
        with conn.cursor() as cur, cur.copy(chunk.copy_into(STAGE)) as copy:
            copy.write(chunk.data)
    return chunk.rows
