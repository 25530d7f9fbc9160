"""DataFrame chunks as COPY data for the stage: encoded in the asset's thread, before any I/O.

Binary COPY when every column's values plainly fit its type (`encode_binary`; the ledger and the
rollups: no text to render or parse, a third of the time); CSV otherwise (JSON columns, mixed
values), which renders anything pandas can.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import psycopg
from psycopg import sql
from psycopg.copy import FileWriter
from psycopg.rows import TupleRow

from mission_pipeline.warehouse.io_manager.catalog import Table, TableShapeError
from mission_pipeline.warehouse.io_manager.encode_binary import WIRE_TYPES, base_type, binary_columns

# CSV COPY's NULL marker; a real value equal to it goes by COPY's text format (see encode_chunk).
_NULL = "\\N"
_INTEGER_TYPES = ("smallint", "integer", "bigint")
_TEXT = sql.SQL("")
_BINARY = sql.SQL(" with (format binary)")


@dataclass(frozen=True)
class EncodedChunk:
    """One chunk as COPY data: encoded by the thread that produced it, sent by the one that writes."""

    rows: int
    columns: tuple[str, ...]
    options: sql.Composable  # the COPY's format, e.g. `with (format binary)`
    data: bytes

    def copy_into(self, target: sql.Composable) -> sql.Composed:
        """The COPY statement that loads this data into `target` (the stage, or the table itself)."""
        cols = sql.SQL(", ").join(map(sql.Identifier, self.columns))
        return sql.SQL("copy {target} ({cols}) from stdin{options}").format(
            target=target, cols=cols, options=self.options
        )


def encode_chunk(
    encoder: psycopg.Cursor[TupleRow], table: Table, columns: list[str], chunk: pd.DataFrame
) -> EncodedChunk:
    """The chunk as the COPY data `stage.load_chunk` sends, made with `encoder`'s adapters and no I/O.

    So another thread may use the connection meanwhile, if `encoder` was made before it started.
    Besides the adapters, encoding reads only the connection's client encoding, which libpq keeps
    from the server's reports; nothing a write does changes it.
    """
    names = tuple(columns)
    if not len(chunk):
        return EncodedChunk(0, names, _TEXT, b"")  # say pd.DataFrame(): no rows, whatever its columns
    if list(chunk.columns) != columns:
        raise TableShapeError(
            f"{table.qualified}: a chunk has columns {list(chunk.columns)}, the first had {columns}"
        )
    types = [table.column(c).type for c in columns]
    values = binary_columns(chunk, types)
    if values is not None:
        wire = [WIRE_TYPES[base_type(t)] for t in types]
        data = _encode_rows(encoder, zip(*values, strict=True), wire)
        return EncodedChunk(len(chunk), names, _BINARY, data)
    frame = _prepared(table, chunk)
    if _holds_null_marker(frame):
        # Rare: a text value that is literally \N. COPY's text format, row by row, keeps it a string.
        rows = (
            [None if _is_missing(v) else v for v in row]
            for row in frame.astype(object).itertuples(index=False, name=None)
        )
        return EncodedChunk(len(frame), names, _TEXT, _encode_rows(encoder, rows, None))
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False, na_rep=_NULL)
    csv = sql.SQL(" with (format csv, null {})").format(sql.Literal(_NULL))
    return EncodedChunk(len(frame), names, csv, buffer.getvalue().encode())


def _encode_rows(
    encoder: psycopg.Cursor[TupleRow], rows: Iterable[Sequence[Any]], wire_types: list[str] | None
) -> bytes:
    """Rows in COPY's binary format (given the wire types) or its text format, into memory."""
    buffer = io.BytesIO()
    with psycopg.Copy(encoder, binary=wire_types is not None, writer=FileWriter(buffer)) as copy:
        if wire_types is not None:
            copy.set_types(wire_types)
        for row in rows:
            copy.write_row(row)
    return buffer.getvalue()


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
