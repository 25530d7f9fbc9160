"""What the database says a table looks like: checked before writing, never guessed."""

from __future__ import annotations

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
    """A table's qualified name and columns, in order."""

    schema: str
    name: str
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
    return Table(schema, name, tuple(Column(str(n), str(t), bool(nn), bool(d)) for n, t, nn, d in columns))
