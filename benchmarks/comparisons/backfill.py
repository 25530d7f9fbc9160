"""The whole range in one run (a backfill), per layout, against the reference tool over the same data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from benchmarks.harness import LAYOUTS, Harness, step_times
from benchmarks.measure.runner import Outcome
from benchmarks.measure.totals import TotalsJson
from benchmarks.progress import progress
from benchmarks.report.figures import status
from benchmarks.report.table import Row
from benchmarks.targets import TARGET_BACKFILL


@dataclass
class BackfillRuns:
    """Per layout: usage_job over the whole range, and the reader alone over it."""

    job: dict[str, Outcome]
    read: dict[str, Outcome]


def measure(h: Harness, full: Path, first: date, last: date, totals: TotalsJson, days: int) -> BackfillRuns:
    """One backfill per layout, then one reader pass per layout (each run once: they are long)."""
    progress("backfills (single run, whole range) and reader-only passes")
    job = {
        layout: h.job(full / layout / "state", first, last, totals, f"{layout} {days}-day backfill")
        for layout in LAYOUTS
    }
    read = {
        layout: h.read(full / layout / "state", first, last, totals, f"{layout} read whole range")
        for layout in LAYOUTS
    }
    return BackfillRuns(job, read)


def describe(
    runs: BackfillRuns,
    days: int,
    calls: int,
    duckdb_seconds: float,
    sqlite3_seconds: float,
    copy_seconds: float,
) -> tuple[list[Row], list[str]]:
    """Per layout: the backfill against the larger of its reader reference and COPY (the target), and
    the reader alone against the reader reference."""
    rows: list[Row] = []
    notes: list[str] = []
    for layout, name, ref, ref_s in (
        ("sqlite", "SQLite", "sqlite3", sqlite3_seconds),
        ("jsonl", "JSONL", "DuckDB read_json", duckdb_seconds),
    ):
        b = runs.job[layout]
        floor, floor_name = (ref_s, ref) if ref_s >= copy_seconds else (copy_seconds, "COPY of the rows")
        ratio = b.seconds / floor
        rows.append(
            Row(
                f"{name}: usage_job backfill, {days} days in one run",
                b.seconds,
                rows_per_s=calls / b.seconds,
                rss=b.max_rss,
                reference=f"{floor_name} (the larger)",
                ratio=ratio,
                target=f"≤ {TARGET_BACKFILL}×",
                status=status(ratio <= TARGET_BACKFILL),
            )
        )
        rd = runs.read[layout]
        workers = b.data.get("worker_rss", 0) / 2**20
        notes.append(
            f"{name} backfill steps: {step_times(b)}; the reader alone takes {rd.seconds:.1f} s in one"
            f" process. The ledger step parses in {b.data.get('reader_processes', '?')} worker processes"
            f" (peak RSS of the largest: {workers:.0f} MB, beside the run's own)."
        )
        rows.append(
            Row(
                f"{name}: reader only, whole range",
                rd.seconds,
                rows_per_s=calls / rd.seconds,
                rss=rd.max_rss,
                reference=ref,
                ratio=rd.seconds / ref_s,
            )
        )
    return rows, notes
