"""Merges an output into its table one staged chunk at a time, all in the write's transaction.

Each chunk is encoded (`encode`) in the asset's thread, then COPYed into the stage (`stage`) and merged
(checked, updated, inserted) by a writer thread before the next one, so a year of history flows
through in constant memory, and PostgreSQL merges one chunk while the asset reads the next (see
`overlap`). The steps that need the whole output (removing the rows it no longer has) run at the
end, on the keys of every chunk. Which steps run is the write mode's choice (`write_modes`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

from mission_pipeline.warehouse.io_manager import merge_statements
from mission_pipeline.warehouse.io_manager.catalog import Table, has_unique_index
from mission_pipeline.warehouse.io_manager.encode import EncodedChunk, encode_chunk
from mission_pipeline.warehouse.io_manager.overlap import run_pipelined
from mission_pipeline.warehouse.io_manager.partition_window import Window
from mission_pipeline.warehouse.io_manager.stage import KEYS, STAGE, create_stage, load_chunk
from mission_pipeline.warehouse.io_manager.straight_copy import (
    StraightCopy,
    copy_allowed,
    inside,
    window_is_empty,
)
from mission_pipeline.warehouse.io_manager.table_output import TableOutput
from mission_pipeline.warehouse.io_manager.write_modes import WriteSpec


@dataclass
class WriteCounts:
    """What a write changed."""

    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    marked_gone: int = 0
    copied_straight: int = 0


def write_output(
    conn: psycopg.Connection[Any],
    table: Table,
    spec: WriteSpec,
    window: Window | None,
    output: TableOutput,
) -> tuple[WriteCounts, int]:
    """Write every chunk of `output` into `table` in the caller's transaction; (counts, rows staged)."""
    lock_table(conn, table)
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
    del first  # the chain holds the first chunk until it is written, and no longer
    straight = merge.straight

    def encoded(frame: pd.DataFrame) -> tuple[EncodedChunk, bool]:
        in_window = straight is not None and straight.active and inside(frame, straight.window)
        return encode_chunk(encoder, table, columns, frame), in_window

    # This thread runs the asset's generator and encodes each chunk for COPY; the writer thread only
    # sends chunk n and waits while PostgreSQL merges it, so the GIL stays here to build chunk n+1.
    with conn.cursor() as encoder:  # made before the writer thread starts using the connection
        run_pipelined((encoded(frame) for frame in frames), merge.add)
    return merge.finish(output), merge.staged


def lock_table(conn: psycopg.Connection[TupleRow], table: Table) -> None:
    """Serialize writers of one table (say a backfill overlapping the schedule) until commit."""
    conn.execute(
        "select pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"mission-pipeline:{table.qualified}",)
    )


@dataclass
class ChunkMerge:
    """One output's write: `begin`, then `add` each chunk, then `finish`."""

    conn: psycopg.Connection[TupleRow]
    table: Table
    spec: WriteSpec
    window: Window | None
    columns: list[str]
    counts: WriteCounts = field(default_factory=WriteCounts)
    staged: int = 0
    straight: StraightCopy | None = None  # an upsert into a window the table has no row of yet

    @property
    def key(self) -> tuple[str, ...]:
        return self.spec.primary_key

    def begin(self) -> None:
        """Create the stages; a replace without a key empties its window (or table) first."""
        create_stage(self.conn, self.table, self.columns, self.key)
        if self.key and has_unique_index(self.conn, self.table, self.key):
            # A chunk is small next to the table it merges into, but the planner hashes or sorts the
            # whole table for every chunk (a year's ledger: 20 chunks, 23 s). Probing the key's index
            # for each staged row costs a few seconds. Until `finish`, whose steps span the table.
            self._planner_settings("off")
            # Only where a unique index names the key: a clash must raise for the copy to stop.
            window = self.window
            if (
                self.spec.write_mode == "upsert"
                and window
                and copy_allowed(self.conn, self.table)
                and window_is_empty(self.conn, self.table, window)
            ):
                self.straight = StraightCopy(self.conn, self.table, window, self.key)
        if self.spec.write_mode == "replace_partition" and not self.key:
            if self.window is not None:
                self.counts.deleted = merge_statements.delete_window(self.conn, self.table, self.window, ())
            else:
                self.counts.deleted = self.conn.execute(
                    sql.SQL("delete from {t}").format(t=sql.Identifier(self.table.schema, self.table.name))
                ).rowcount

    def add(self, encoded: tuple[EncodedChunk, bool]) -> None:
        """Stage one chunk and merge it into the table (or copy it straight in, see `straight_copy`)."""
        chunk, in_window = encoded
        straight = self.straight
        if straight is not None and straight.active:
            if straight.copy(chunk, in_window):
                self.staged += chunk.rows
                self.counts.inserted += chunk.rows
                self.counts.copied_straight += chunk.rows
                return
            straight.record_copied_keys(KEYS)
        rows = load_chunk(self.conn, chunk)
        if not rows:
            return
        self.staged += rows
        if self.spec.write_mode == "replace_partition" and self.window is not None:
            merge_statements.check_window(self.conn, self.table, self.window, STAGE)
        if not self.key:
            self.counts.inserted += merge_statements.insert_all(self.conn, self.table, self.columns, STAGE)
            return
        merge_statements.record_keys(self.conn, self.table, self.key, STAGE, KEYS)
        inserted, updated = merge_statements.upsert(
            self.conn, self.table, self.columns, self.key, STAGE, clear_column=self.spec.gone_column
        )
        self.counts.inserted += inserted
        self.counts.updated += updated

    def finish(self, output: TableOutput) -> WriteCounts:
        """Remove what the whole output no longer has: a replace's old rows, a sync's missing ones."""
        if not self.key:
            return self.counts
        self._planner_settings("default")
        mode = self.spec.write_mode
        if mode == "replace_partition" and self.window is not None:
            self.counts.deleted = merge_statements.delete_window(
                self.conn, self.table, self.window, self.key, KEYS
            )
        elif mode == "replace_partition":
            self.counts.deleted = merge_statements.remove_missing(self.conn, self.table, self.key, KEYS, None)
        elif mode == "sync":
            removed = merge_statements.remove_missing(
                self.conn,
                self.table,
                self.key,
                KEYS,
                output.sync_scope,
                exclude=output.sync_exclude,
                gone_column=self.spec.gone_column,
            )
            if self.spec.gone_column:
                self.counts.marked_gone = removed
            else:
                self.counts.deleted = removed
        return self.counts

    def _planner_settings(self, joins: str) -> None:
        """Hash and merge joins off, or back to the default, for the rest of this transaction."""
        for setting in ("enable_hashjoin", "enable_mergejoin"):
            self.conn.execute(sql.SQL("set local {} = {}").format(sql.Identifier(setting), sql.SQL(joins)))
