"""Binary COPY and CSV COPY stage the very same values; binary is used only where values plainly fit."""

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import psycopg
import pytest

from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline.warehouse.io_manager import encode, encode_binary, stage
from mission_pipeline.warehouse.io_manager.catalog import describe_table

UTC = dt.UTC
COLUMNS = ["t", "v", "b", "i", "n", "f", "ok", "d", "ts"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "t": ["plain", None, "nul\x00inside", "\\N", "ünïcødé ✓", "", "tab\tand\nnewline"],
            "v": ["a", "b", None, "d", "é", "f", "g"],
            "b": [0, 2**62, -5, 7, 8, 9, 10],
            "i": pd.array([1, None, 3, 4, 5, 6, 2**31 - 1], dtype="Int64"),
            "n": [0.1, 1e-10, 123456.1234567891, float("nan"), 3, 0.30000000000000004, 25.5],
            "f": [0.1, -2.5, float("nan"), 1e300, 0.0, 1.0, 2.0],
            "ok": [True, False, None, True, True, False, True],
            "d": [dt.date(2026, 11, 27), None, dt.date(2000, 1, 1), dt.date(2026, 1, 1)] * 1 + [None] * 3,
            "ts": pd.to_datetime(
                [  # type: ignore[arg-type]  # None is NaT
                    "2026-11-27T10:00:00.123456Z",
                    None,
                    "2026-01-01T00:00:00Z",
                    "2025-12-31T23:59:59.999999+02:00",
                    "2026-06-01T12:00:00Z",
                    "2026-06-01T12:00:00.5Z",
                    "2000-01-01T00:00:00Z",
                ],
                utc=True,
                format="ISO8601",
            ),
        }
    )


def _stage(target: DatabaseTarget, frame: pd.DataFrame, columns: list[str]) -> list[tuple[Any, ...]]:
    with target.connect() as conn, conn.transaction():
        table = describe_table(conn, "public", "staging_types")
        stage.create_stage(conn, table, columns)
        with conn.cursor() as encoder:
            stage.load_chunk(conn, encode.encode_chunk(encoder, table, columns, frame))
        return sorted(conn.execute("select * from mp_stage").fetchall(), key=repr)


@pytest.fixture
def types_table(database: DatabaseTarget) -> DatabaseTarget:
    with database.connect(autocommit=True) as conn:
        conn.execute(
            "create table public.staging_types (t text, v varchar(4), b bigint, i integer,"
            " n numeric(20,10), f double precision, ok boolean, d date, ts timestamptz, j jsonb)"
        )
    return database


def _spy(monkeypatch: pytest.MonkeyPatch, *, allow_binary: bool) -> list[str]:
    paths: list[str] = []
    original_binary = encode_binary.binary_columns

    def binary(frame: pd.DataFrame, types: list[str]) -> Any:
        values = original_binary(frame, types) if allow_binary else None
        paths.append("binary" if values is not None else "csv")
        return values

    monkeypatch.setattr(encode, "binary_columns", binary)
    return paths


def test_binary_and_csv_copy_stage_identical_rows(
    types_table: DatabaseTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _spy(monkeypatch, allow_binary=True)
    binary = _stage(types_table, _frame(), COLUMNS)
    monkeypatch.undo()
    csv_paths = _spy(monkeypatch, allow_binary=False)
    csv = _stage(types_table, _frame(), COLUMNS)
    assert paths == ["binary"] and csv_paths == ["csv"]
    assert binary == csv
    by_text = {row[0]: row for row in binary}
    assert "nul\ufffdinside" in by_text  # NUL marked, row kept
    assert "\\N" in by_text and None in by_text  # the CSV null marker as text stays text
    assert {row[4] for row in binary} >= {Decimal("0.1"), Decimal("1e-10"), Decimal("123456.1234567891")}
    assert None in {row[5] for row in binary}  # NaN is missing, as pandas means it: SQL null
    assert dt.datetime(2025, 12, 31, 21, 59, 59, 999999, tzinfo=UTC) in {row[8] for row in binary}


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("j", [{"a": 1}, None]),  # JSON: rendered as text
        ("b", [1.0, np.nan]),  # floats holding whole numbers in a bigint column
        ("t", ["text", 5]),  # an int among strings
        ("ts", [dt.datetime(2026, 1, 1, tzinfo=UTC), "2026-01-02T00:00:00Z"]),  # mixed
    ],
)
def test_values_that_do_not_plainly_fit_go_by_csv(
    types_table: DatabaseTarget, monkeypatch: pytest.MonkeyPatch, column: str, values: list[Any]
) -> None:
    paths = _spy(monkeypatch, allow_binary=True)
    frame = pd.DataFrame({"b": [1, 2], column: values} if column != "b" else {"b": values})
    rows = _stage(types_table, frame, list(frame.columns))
    assert paths == ["csv"]
    assert len(rows) == 2


@pytest.mark.parametrize(
    ("column", "value"),
    [("i", 2**40), ("b", 2**70), ("f", 10**400)],  # beyond integer, bigint, any float
)
def test_numbers_out_of_range_are_refused_by_postgres_not_wrapped(
    types_table: DatabaseTarget, monkeypatch: pytest.MonkeyPatch, column: str, value: int
) -> None:
    """Binary COPY would pack 2**40 into an int4 as 0: such values take the CSV path and fail by name."""
    paths = _spy(monkeypatch, allow_binary=True)
    frame = pd.DataFrame({column: pd.Series([1, value], dtype=object)})
    with pytest.raises(psycopg.errors.NumericValueOutOfRange, match="out of range"):
        _stage(types_table, frame, [column])
    assert paths == ["csv"]
