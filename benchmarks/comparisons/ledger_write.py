"""The ledger write: the pipeline's IO manager (a first load COPYed straight in) vs PostgreSQL's own COPY
of the same rows into the table; and the daily rerun, where every row is unchanged (stage, then merge)."""

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
    parts, again = lw.get("parts", {}), lw.get("rewrite_parts", {})
    if parts:
        notes.append(
            f"Ledger write of {lw['rows']:,} rows into an empty table, {lw['seconds']:.1f} s. The producing"
            f" thread encodes each chunk for binary COPY: {parts.get('encode_chunk', 0):.1f} s (of which"
            f" turning columns into values {parts.get('binary_columns', 0):.1f} s). Meanwhile the writer"
            f" thread COPYs each chunk straight into the table, the window having no row yet"
            f" ({parts.get('copy', 0):.1f} s). The rerun, every row already there, stages each chunk"
            f" ({again.get('load_chunk', 0):.1f} s), records its keys ({again.get('record_keys', 0):.1f} s)"
            f" and merges it (UPDATE of changed rows, INSERT of new keys: {again.get('upsert', 0):.1f} s)."
            f" PostgreSQL's COPY of the same rows straight into the table: {copy.seconds:.1f} s (best of"
            f" {len(lw.get('runs', [])) or 1} each). The write child holds every row in memory beforehand"
            " (to time the write alone): its RSS is not a pipeline figure."
        )
    rate = lw["rows"] / lw["seconds"]
    rows = [
        Row(
            f"Ledger write (IO manager: a first load, each chunk COPYed straight in), {lw['rows']:,} rows,"
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
