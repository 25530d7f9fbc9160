"""Merges an output into its table one staged chunk at a time, all in the write's transaction.

Each chunk is COPYed into the stage and merged (checked, updated, inserted) before the next one, so a
year of history flows through in constant memory, and PostgreSQL merges one chunk while the asset
reads the next (see `overlap`). The steps that need the whole output (removing the
rows it no longer has) run at the end, on the keys of every chunk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

from mission_pipeline.warehouse import writes
from mission_pipeline.warehouse.catalog import Table, has_unique_index
from mission_pipeline.warehouse.staging import KEYS, STAGE, EncodedChunk, create_stage, load_chunk
from mission_pipeline.warehouse.table_output import TableOutput
from mission_pipeline.warehouse.write_spec import WriteSpec


@dataclass
class ChunkMerge:
    """One output's write: `begin`, then `add` each chunk, then `finish`."""

    conn: psycopg.Connection[TupleRow]
    table: Table
    spec: WriteSpec
    window: writes.Window | None
    columns: list[str]
    counts: writes.WriteCounts = field(default_factory=writes.WriteCounts)
    staged: int = 0

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
        if self.spec.write_mode == "replace_partition" and not self.key:
            if self.window is not None:
                self.counts.deleted = writes.delete_window(self.conn, self.table, self.window, ())
            else:
                self.counts.deleted = self.conn.execute(
                    sql.SQL("delete from {t}").format(t=sql.Identifier(self.table.schema, self.table.name))
                ).rowcount

    def add(self, chunk: EncodedChunk) -> None:
        """Stage one chunk and merge it into the table."""
        rows = load_chunk(self.conn, chunk)
        if not rows:
            return
        self.staged += rows
        if self.spec.write_mode == "replace_partition" and self.window is not None:
            writes.check_window(self.conn, self.table, self.window, STAGE)
        if not self.key:
            self.counts.inserted += writes.insert_all(self.conn, self.table, self.columns, STAGE)
            return
        writes.record_keys(self.conn, self.table, self.key, STAGE, KEYS)
        inserted, updated = writes.upsert(
            self.conn, self.table, self.columns, self.key, STAGE, clear_column=self.spec.gone_column
        )
        self.counts.inserted += inserted
        self.counts.updated += updated

    def finish(self, output: TableOutput) -> writes.WriteCounts:
        """Remove what the whole output no longer has: a replace's old rows, a sync's missing ones."""
        if not self.key:
            return self.counts
        self._planner_settings("default")
        mode = self.spec.write_mode
        if mode == "replace_partition" and self.window is not None:
            self.counts.deleted = writes.delete_window(self.conn, self.table, self.window, self.key, KEYS)
        elif mode == "replace_partition":
            self.counts.deleted = writes.remove_missing(self.conn, self.table, self.key, KEYS, None)
        elif mode == "sync":
            removed = writes.remove_missing(
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
