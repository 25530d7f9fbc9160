"""The ledger write: the pipeline's IO manager (COPY into a stage, then upsert) vs PostgreSQL's own COPY
of the same rows straight into the table; and the daily rerun, where every row is unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.harness import Harness
from benchmarks.measure.runner import Outcome, run_child
from benchmarks.measure.totals import TotalsJson, compare
from benchmarks.progress import progress
from benchmarks.report.figures import describe_bytes, status
from benchmarks.report.table import Row
from benchmarks.targets import TARGET_LEDGER


@dataclass
class LedgerRuns:
    """The IO manager's write (and rewrite), and COPY's."""

    write: Outcome
    copy: Outcome


def measure(h: Harness, full: Path, first: date, last: date, totals: TotalsJson) -> LedgerRuns:
    """Both writes of the whole range's rows (SQLite layout), each into its own fresh database, checked."""
    progress("ledger write rate: IO manager vs COPY FROM")
    url = h.pg.fresh()
    try:
        args: dict[str, Any] = {
            "state": str(full / "sqlite" / "state"),
            "first": first.isoformat(),
            "last": last.isoformat(),
            "db_url": url,
            "repeats": min(h.repeats, 2),
        }
        write = run_child("ledger_write", args, log=h.log)
        h.check("ledger write", compare(h.pg.ledger_totals(url), totals))
    finally:
        h.pg.drop(url)
    url = h.pg.fresh()
    csv_path = h.work / "ledger.csv"
    try:
        args |= {"db_url": url, "csv_path": str(csv_path)}
        copy = run_child("copy_reference", args, log=h.log)
        h.check("COPY reference", compare(h.pg.ledger_totals(url), totals))
    finally:
        h.pg.drop(url)
        csv_path.unlink(missing_ok=True)
    return LedgerRuns(write, copy)


def describe(runs: LedgerRuns) -> tuple[list[Row], list[str]]:
    """The write against COPY's rate (the target), the rewrite, COPY itself; a note splitting the write."""
    lw = runs.write.data
    copy = runs.copy
    copy_rate = copy.data["rows"] / copy.seconds
    notes: list[str] = []
    parts = lw.get("parts", {})
    if parts:
        notes.append(
            f"Ledger write of {lw['rows']:,} rows, {lw['seconds']:.1f} s. The producing thread encodes"
            f" each chunk for binary COPY: {parts.get('encode_chunk', 0):.1f} s (of which turning columns"
            f" into values {parts.get('binary_columns', 0):.1f} s). Meanwhile the writer thread COPYs it"
            f" into the stage ({parts.get('load_chunk', 0):.1f} s), records its keys"
            f" ({parts.get('record_keys', 0):.1f} s) and merges it (UPDATE of changed rows, INSERT of new"
            f" keys: {parts.get('upsert', 0):.1f} s). PostgreSQL's COPY of the same rows straight into"
            f" the table: {copy.seconds:.1f} s (best of {len(lw.get('runs', [])) or 1} each)."
            " The write child holds every row in memory beforehand (to time the write alone): its RSS"
            " is not a pipeline figure."
        )
    rate = lw["rows"] / lw["seconds"]
    rows = [
        Row(
            f"Ledger write (IO manager: each chunk COPYed to a stage, then merged), {lw['rows']:,} rows,"
            " empty table",
            lw["seconds"],
            rows_per_s=rate,
            rss=runs.write.max_rss,
            reference="COPY FROM (rate)",
            ratio=rate / copy_rate,
            target=f"≥ {TARGET_LEDGER:.0%} of COPY",
            status=status(rate / copy_rate >= TARGET_LEDGER),
        ),
        Row(
            "Ledger rewrite, same rows (the daily rerun: all unchanged)",
            lw["rewrite_seconds"],
            rows_per_s=lw["rows"] / lw["rewrite_seconds"],
            reference="COPY FROM (rate)",
            ratio=lw["rows"] / lw["rewrite_seconds"] / copy_rate,
        ),
        Row(
            "PostgreSQL COPY openclaw_usage_events FROM STDIN (csv), same rows",
            copy.seconds,
            rows_per_s=copy_rate,
            rss=copy.max_rss,
            note=describe_bytes(copy.data["csv_bytes"]),
        ),
    ]
    return rows, notes
