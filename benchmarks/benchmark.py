"""One benchmark run: the data, the embedded PostgreSQL, every comparison, then BENCHMARKS.md."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from benchmarks.comparisons import (
    backfill,
    ccusage_reference,
    host_cost,
    ledger_write,
    one_day,
    references,
    workspace_scan,
)
from benchmarks.comparisons.backfill import BackfillRuns
from benchmarks.comparisons.ccusage_reference import CcusageRuns
from benchmarks.comparisons.host_cost import HostRuns
from benchmarks.comparisons.ledger_write import LedgerRuns
from benchmarks.comparisons.one_day import DayRuns
from benchmarks.comparisons.references import ReferenceRuns
from benchmarks.comparisons.workspace_scan import ScanRuns
from benchmarks.generate import Manifest, Scale
from benchmarks.harness import Harness
from benchmarks.measure.warehouse import Warehouse
from benchmarks.progress import progress
from benchmarks.report.benchmarks_md import data_lines, total_calls, write_benchmarks
from benchmarks.report.figures import status
from benchmarks.report.table import Row
from benchmarks.targets import TARGET_RSS
from benchmarks.workdir import alone, history


@dataclass
class Measured:
    """Every comparison's runs."""

    day: dict[str, DayRuns]
    backfill: BackfillRuns
    references: ReferenceRuns
    ccusage: CcusageRuns
    ledger: LedgerRuns
    scan: ScanRuns
    host: HostRuns


def run(scale: Scale, work: Path, repeats: int, output: Path, scale_name: str) -> int:
    """Generate (or reuse) the data, measure everything, write the report; 1 if any check failed."""
    total_started = time.perf_counter()
    manifest, gen_seconds = history(scale, work)
    last = date.fromisoformat(manifest.last_day)
    first = date.fromisoformat(manifest.first_day)
    mid = first + timedelta(days=(last - first).days // 2)
    alone_last = alone(scale, work, last, manifest)
    alone_mid = alone(scale, work, mid, manifest)
    full = work / "history"
    progress("starting the embedded PostgreSQL")
    h = Harness(scale, work, repeats, Warehouse(work / "pg" / "pgdata"))
    try:
        days = manifest.scale["days"]
        totals = manifest.totals
        measured = Measured(
            day=one_day.measure(h, full, alone_last, alone_mid, last, mid, totals),
            backfill=backfill.measure(h, full, first, last, totals, days),
            references=references.measure(h, full, manifest),
            ccusage=ccusage_reference.measure(h, full, manifest),
            ledger=ledger_write.measure(h, full, first, last, totals),
            scan=workspace_scan.measure(h, manifest),
            host=host_cost.measure(h, full, last),
        )
    finally:
        h.pg.stop()
    elapsed = time.perf_counter() - total_started
    _report(h, manifest, measured, scale_name, gen_seconds, elapsed, last, mid, output)
    # Missed targets are findings; a run whose figures are not of correct results is a failure.
    return 1 if h.checks else 0


def _report(
    h: Harness,
    m: Manifest,
    measured: Measured,
    scale_name: str,
    gen_seconds: float,
    elapsed: float,
    last: date,
    mid: date,
    output: Path,
) -> None:
    """Check sqlite3's totals (untimed), then the table in the order of the comparisons, and write it."""
    refs = measured.references
    references.check_sqlite3_totals(h, h.work / "history" / "sqlite" / "state", m, refs.sqlite3_rows)
    days = m.scale["days"]
    calls = total_calls(m)
    day_rows, day_notes = one_day.describe(measured.day, days, last, mid)
    backfill_rows, backfill_notes = backfill.describe(
        measured.backfill,
        days,
        calls,
        refs.duckdb_seconds,
        refs.sqlite3_seconds,
        measured.ledger.copy.seconds,
    )
    ledger_rows, ledger_notes = ledger_write.describe(measured.ledger)
    rows = [
        *day_rows,
        *backfill_rows,
        *references.describe(refs, calls),
        *ccusage_reference.describe(measured.ccusage, measured.backfill.job["jsonl"].seconds, days),
        *ledger_rows,
        *workspace_scan.describe(measured.scan),
        _worst_rss_row(h.pipeline_rss),
    ]
    notes = day_notes + backfill_notes + measured.ccusage.notes + ledger_notes
    data = data_lines(m, scale_name, h.repeats, gen_seconds, elapsed, last, mid)
    write_benchmarks(
        output, h.work, h.pg.version, data, rows, notes, h.checks, [host_cost.describe(measured.host)]
    )


def run_only(which: str, scale: Scale, work: Path, repeats: int, output: Path, scale_name: str) -> int:
    """One comparison alone on the same data (`--only host`: the host's steady cost; `--only day`: one
    day with history vs alone), for a quick look after a change; 1 if any check failed."""
    started = time.perf_counter()
    manifest, gen_seconds = history(scale, work)
    last = date.fromisoformat(manifest.last_day)
    first = date.fromisoformat(manifest.first_day)
    mid = first + timedelta(days=(last - first).days // 2)
    alone_last = alone(scale, work, last, manifest) if which == "day" else None
    alone_mid = alone(scale, work, mid, manifest) if which == "day" else None
    progress("starting the embedded PostgreSQL")
    h = Harness(scale, work, repeats, Warehouse(work / "pg" / "pgdata"))
    rows: list[Row] = []
    notes: list[str] = []
    extra = []
    try:
        if alone_last is not None and alone_mid is not None:
            day = one_day.measure(h, work / "history", alone_last, alone_mid, last, mid, manifest.totals)
            rows, notes = one_day.describe(day, manifest.scale["days"], last, mid)
        else:
            extra = [host_cost.describe(host_cost.measure(h, work / "history", last))]
    finally:
        h.pg.stop()
    data = data_lines(manifest, scale_name, repeats, gen_seconds, time.perf_counter() - started, last, mid)
    write_benchmarks(output, h.work, h.pg.version, data, rows, notes, h.checks, extra)
    return 1 if h.checks else 0


def _worst_rss_row(pipeline_rss: list[tuple[str, int]]) -> Row:
    """The highest peak RSS of any pipeline run (job, reader, scan) against the target."""
    worst = max(pipeline_rss, key=lambda x: x[1])
    return Row(
        f"Peak RSS, worst pipeline run ({worst[0]})",
        rss=worst[1],
        target=f"< {TARGET_RSS // 2**20} MB",
        status=status(worst[1] < TARGET_RSS),
    )
