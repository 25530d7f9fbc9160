"""DataFrame columns as the Python values psycopg's binary COPY takes, for the common column types.

Binary COPY sends each value in PostgreSQL's own representation: no text to render on our side, none
to parse on the server's. It is exact, or not used at all: a column whose values do not plainly fit
its type (say floats in a bigint column, or ints in a text column) makes `binary_columns` return
None, and the chunk goes by the text (CSV) path, which renders whatever it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pandas as pd
from pandas.api.types import infer_dtype

# format_type() names (typmod removed) of the column types this path handles, and psycopg's names.
BINARY_TYPES = {
    "text": "text",
    "character varying": "varchar",
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "numeric": "numeric",
    "double precision": "float8",
    "boolean": "bool",
    "date": "date",
    "timestamp with time zone": "timestamptz",
}


# What psycopg is told to dump each type as: the same wire format, from a cheaper Python value.
WIRE_TYPES = {**BINARY_TYPES, "timestamp with time zone": "int8"}
_PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01T00:00:00Z in Unix microseconds


def base_type(column_type: str) -> str:
    """`numeric(20,10)` → `numeric`: the type without its modifier."""
    return column_type.split("(", 1)[0].strip()


def binary_columns(frame: pd.DataFrame, column_types: list[str]) -> list[list[Any]] | None:
    """Each column as a list of values for binary COPY (None for SQL null); None when one does not fit."""
    out = []
    for name, column_type in zip(frame.columns, column_types, strict=True):
        series = frame[name]
        if not series.notna().any():
            out.append([None] * len(series))
            continue
        convert = _CONVERTERS.get(BINARY_TYPES.get(base_type(column_type), ""))
        values = convert(series) if convert else None
        if values is None:
            return None
        out.append(values)
    return out


def _nullable(series: pd.Series) -> list[Any]:
    if not series.hasnans:
        return series.tolist()
    return series.astype(object).where(series.notna(), None).tolist()


def _text(series: pd.Series) -> list[Any] | None:
    if infer_dtype(series, skipna=True) != "string":
        return None
    values = _nullable(series)
    # PostgreSQL text cannot hold NUL; keep the row and mark the spot visibly.
    if "\x00" in "\x01".join(filter(None, values)):
        values = [v.replace("\x00", "\ufffd") if v else v for v in values]
    return values


def _integer_of(bits: int) -> Callable[[pd.Series], list[Any] | None]:
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

    def convert(series: pd.Series) -> list[Any] | None:
        if infer_dtype(series, skipna=True) != "integer":
            return None
        # psycopg packs binary integers without a range check (2**40 into int4 would arrive as 0):
        # values out of range go by CSV, where PostgreSQL refuses them by name.
        if not low <= series.min() <= series.max() <= high:
            return None
        return _nullable(series)

    return convert


def _numeric(series: pd.Series) -> list[Any] | None:
    kind = infer_dtype(series, skipna=True)
    if kind == "decimal":
        return _nullable(series)
    if kind not in ("integer", "floating", "mixed-integer-float"):
        return None
    # repr() is the shortest text that reads back as the same float: what the CSV path would send.
    values = _nullable(series)
    if series.hasnans:
        return [None if v is None else Decimal(repr(v)) for v in values]
    return list(map(Decimal, map(repr, values)))


def _float(series: pd.Series) -> list[Any] | None:
    if infer_dtype(series, skipna=True) not in ("integer", "floating", "mixed-integer-float"):
        return None
    try:
        return [None if v is None else float(v) for v in _nullable(series)]
    except OverflowError:  # an int beyond any float: CSV, where PostgreSQL says so
        return None


def _boolean(series: pd.Series) -> list[Any] | None:
    return _nullable(series) if infer_dtype(series, skipna=True) == "boolean" else None


def _date(series: pd.Series) -> list[Any] | None:
    return _nullable(series) if infer_dtype(series, skipna=True) == "date" else None


def _timestamptz(series: pd.Series) -> list[Any] | None:
    if not isinstance(series.dtype, pd.DatetimeTZDtype):
        return None  # naive or mixed values: the text path says what is wrong with them
    # timestamptz travels as int8 microseconds since 2000-01-01 UTC (PostgreSQL's binary format, see
    # timestamptz_send): computed in bulk here instead of a Python datetime per value, and sent with
    # psycopg's int8 dumper (`WIRE_TYPES`).
    micros = series.dt.tz_convert("UTC").to_numpy(dtype="datetime64[us]").view("int64") - _PG_EPOCH_US
    values: list[Any] = micros.tolist()
    if series.isna().any():
        values = [None if missing else v for v, missing in zip(values, series.isna().tolist(), strict=True)]
    return values


_CONVERTERS: dict[str, Callable[[pd.Series], list[Any] | None]] = {
    "text": _text,
    "varchar": _text,
    "int8": _integer_of(64),
    "int4": _integer_of(32),
    "int2": _integer_of(16),
    "numeric": _numeric,
    "float8": _float,
    "bool": _boolean,
    "date": _date,
    "timestamptz": _timestamptz,
}
