"""What the database says a table looks like: checked before writing, never guessed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from psycopg.rows import TupleRow

from mission_pipeline.warehouse.database import WarehouseError


class TableShapeError(WarehouseError):
    """The table is missing, or the DataFrame does not fit it."""


@dataclass(frozen=True)
class Column:
    """One column as pg_attribute describes it."""

    name: str
    type: str
    not_null: bool
    has_default: bool


@dataclass(frozen=True)
class Table:
    """A table's qualified name, its oid and columns, in order."""

    schema: str
    name: str
    oid: int
    columns: tuple[Column, ...]

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise TableShapeError(f"{self.qualified} has no column {name!r}")

    def check_frame_columns(self, frame_columns: list[str], required: tuple[str, ...] = ()) -> None:
        """Every DataFrame column must be a table column, and the key columns must be present."""
        known = {c.name for c in self.columns}
        unknown = [c for c in frame_columns if c not in known]
        if unknown:
            raise TableShapeError(
                f"{self.qualified}: the DataFrame has columns the table lacks: "
                f"{', '.join(map(str, unknown))} "
                f"(table columns: {', '.join(c.name for c in self.columns)})"
            )
        missing = [c for c in required if c not in frame_columns]
        if missing:
            raise TableShapeError(f"{self.qualified}: the DataFrame lacks key column(s) {', '.join(missing)}")


def describe_table(conn: psycopg.Connection[TupleRow], schema: str, name: str) -> Table:
    """The table's columns from the catalog; TableShapeError when it does not exist."""
    qualified = f"{schema}.{name}"
    row = conn.execute(
        "select to_regclass(format('%%I.%%I', %s::text, %s::text))::oid", (schema, name)
    ).fetchone()
    if row is None or row[0] is None:
        raise TableShapeError(f"table {qualified} does not exist: run `mission-pipeline migrate`")
    columns = conn.execute(
        "select attname, format_type(atttypid, atttypmod), attnotnull, atthasdef or attidentity <> ''"
        " from pg_attribute where attrelid = %s and attnum > 0 and not attisdropped order by attnum",
        (row[0],),
    ).fetchall()
    return Table(
        schema, name, int(row[0]), tuple(Column(str(n), str(t), bool(nn), bool(d)) for n, t, nn, d in columns)
    )


def has_unique_index(conn: psycopg.Connection[TupleRow], table: Table, key: Sequence[str]) -> bool:
    """Whether a plain unique index (no predicate, no expression) covers exactly the key's columns."""
    row = conn.execute(
        "select exists (select 1 from pg_index i where i.indrelid = %s and i.indisunique"
        " and i.indpred is null and i.indexprs is null and (select array_agg(a.attname::text order by"
        " a.attname::text) from pg_attribute a where a.attrelid = i.indrelid and a.attnum = any(i.indkey))"
        " = %s::text[])",
        (table.oid, sorted(key)),
    ).fetchone()
    return bool(row and row[0])
