"""Bulk-loads DataFrame chunks into a temporary table with COPY, inside the write's transaction.

Binary COPY when every column's values plainly fit its type (the ledger and the rollups: no text to
render or parse, a third of the time); CSV otherwise (JSON columns, mixed values), which renders
anything pandas can.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

from mission_pipeline.warehouse.binary_values import WIRE_TYPES, base_type, binary_columns
from mission_pipeline.warehouse.catalog import Table, TableShapeError

STAGE = sql.Identifier("mp_stage")
# CSV COPY's NULL marker; a real value equal to it is loaded row by row instead (see _copy_csv).
_NULL = "\\N"
_INTEGER_TYPES = ("smallint", "integer", "bigint")


def create_stage(conn: psycopg.Connection[TupleRow], table: Table, columns: Sequence[str]) -> None:
    """A temporary table with the target's types for `columns`, dropped at commit."""
    conn.execute(
        sql.SQL("create temp table {stage} on commit drop as select {cols} from {table} with no data").format(
            stage=STAGE,
            cols=sql.SQL(", ").join(map(sql.Identifier, columns)),
            table=sql.Identifier(table.schema, table.name),
        )
    )


def copy_chunks(
    conn: psycopg.Connection[TupleRow], table: Table, columns: list[str], chunks: Iterable[pd.DataFrame]
) -> int:
    """COPY every chunk into the stage; returns the number of rows staged."""
    staged = 0
    for chunk in chunks:
        if list(chunk.columns) != columns:
            raise TableShapeError(
                f"{table.qualified}: a chunk has columns {list(chunk.columns)}, the first had {columns}"
            )
        if len(chunk):
            staged += _copy_chunk(conn, table, chunk, columns)
    return staged


def _copy_chunk(
    conn: psycopg.Connection[TupleRow], table: Table, frame: pd.DataFrame, columns: list[str]
) -> int:
    types = [table.column(c).type for c in columns]
    values = binary_columns(frame, types)
    if values is None:
        return _copy_csv(conn, _prepared(table, frame), columns)
    statement = sql.SQL("copy {stage} ({cols}) from stdin with (format binary)").format(
        stage=STAGE, cols=sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with conn.cursor() as cur, cur.copy(statement) as copy:
        copy.set_types([WIRE_TYPES[base_type(t)] for t in types])
        for row in zip(*values, strict=True):
            copy.write_row(row)
    return len(frame)


def _copy_csv(conn: psycopg.Connection[TupleRow], frame: pd.DataFrame, columns: list[str]) -> int:
    statement = sql.SQL("copy {stage} ({cols}) from stdin").format(
        stage=STAGE, cols=sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with conn.cursor() as cur:
        if _holds_null_marker(frame):
            # Rare: a text value that is literally \N. Row-by-row COPY keeps it a string.
            with cur.copy(statement) as copy:
                for row in frame.astype(object).itertuples(index=False, name=None):
                    copy.write_row([None if _is_missing(v) else v for v in row])
        else:
            buffer = io.StringIO()
            frame.to_csv(buffer, index=False, header=False, na_rep=_NULL)
            csv_statement = statement + sql.SQL(" with (format csv, null {})").format(sql.Literal(_NULL))
            with cur.copy(csv_statement) as copy:
                copy.write(buffer.getvalue())
    return len(frame)


def _prepared(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """The chunk with values COPY reads back unchanged: JSON for dicts, whole numbers for ints."""
    out = frame.copy(deep=False)
    for name in out.columns:
        column = table.column(str(name))
        series = out[name]
        if column.type in ("jsonb", "json"):
            out[name] = series.map(_json_text)
        elif column.type in _INTEGER_TYPES and series.dtype.kind == "f":
            try:
                out[name] = series.astype("Int64")
            except (TypeError, ValueError):
                raise TableShapeError(
                    f"{table.qualified}.{name}: non-integer values for a {column.type} column"
                ) from None
        elif column.type.startswith("timestamp with time zone") and _naive_datetimes(series):
            raise TableShapeError(f"{table.qualified}.{name}: naive datetimes; give tz-aware (UTC) values")
        elif series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            # PostgreSQL text cannot hold NUL; keep the row and mark the spot visibly.
            out[name] = series.map(lambda v: v.replace("\x00", "\ufffd") if isinstance(v, str) else v)
    return out


def _json_text(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str).replace(
        "\\u0000", "\\ufffd"
    )


def _naive_datetimes(series: pd.Series) -> bool:
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return False
    if series.dtype.kind == "M":
        return True
    first = series.dropna().head(1)
    return bool(len(first)) and getattr(first.iloc[0], "tzinfo", "n/a") is None


def _holds_null_marker(frame: pd.DataFrame) -> bool:
    for name in frame.columns:
        series = frame[name]
        if (series.dtype == object or pd.api.types.is_string_dtype(series.dtype)) and (series == _NULL).any():
            return True
    return False


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
