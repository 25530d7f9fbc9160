"""One day (the nightly run's) with a year of history vs the same state holding that day alone.

The pipeline must not get slower as history piles up: usage_job and the reader on the last day, and the
reader on a mid-year day, each against the same day in a state with every other day's lines removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from benchmarks.generate import Manifest
from benchmarks.harness import LAYOUTS, Harness, spread, step_times
from benchmarks.measure.runner import Outcome
from benchmarks.measure.totals import TotalsJson
from benchmarks.progress import progress
from benchmarks.report.figures import best, status
from benchmarks.report.table import Row
from benchmarks.targets import TARGET_DAY

LAYOUT_NAMES = {"sqlite": "SQLite (2026.9.6)", "jsonl": "JSONL files (2026.5.28)"}


@dataclass
class DayRuns:
    """One layout's repeated runs: job and reader on the last day, reader on the mid-year day."""

    job_hist: list[Outcome] = field(default_factory=list)
    job_alone: list[Outcome] = field(default_factory=list)
    read_hist: list[Outcome] = field(default_factory=list)
    read_alone: list[Outcome] = field(default_factory=list)
    mid_hist: list[Outcome] = field(default_factory=list)
    mid_alone: list[Outcome] = field(default_factory=list)


def measure(
    h: Harness, full: Path, alone_last: Path, alone_mid: Path, last: date, mid: date, totals: TotalsJson
) -> dict[str, DayRuns]:
    """Each layout's day runs, `h.repeats` times each."""
    n = h.repeats
    alone_totals = Manifest.load(alone_last).totals
    mid_alone_totals = Manifest.load(alone_mid).totals
    out: dict[str, DayRuns] = {}
    for layout in LAYOUTS:
        hist, alone = full / layout / "state", alone_last / layout / "state"
        progress(f"{layout}: one day ({last}) with history vs alone, usage_job x{n}")
        runs = DayRuns()
        for _ in range(n):  # alternate, so load from elsewhere hits both alike
            runs.job_hist.append(h.job(hist, last, last, totals, f"{layout} day with history"))
            runs.job_alone.append(h.job(alone, last, last, alone_totals, f"{layout} day alone"))
            runs.read_hist.append(h.read(hist, last, last, totals, f"{layout} read day with history"))
            runs.read_alone.append(h.read(alone, last, last, alone_totals, f"{layout} read day alone"))
            runs.mid_hist.append(h.read(hist, mid, mid, totals, f"{layout} read mid-year day with history"))
            runs.mid_alone.append(
                h.read(
                    alone_mid / layout / "state",
                    mid,
                    mid,
                    mid_alone_totals,
                    f"{layout} read mid-year day alone",
                )
            )
        out[layout] = runs
    return out


def describe(day: dict[str, DayRuns], days: int, last: date, mid: date) -> tuple[list[Row], list[str]]:
    """Four rows per layout (job with history vs alone, job alone, reader last day, reader mid-year), and
    a note with the spread of the runs and one run's steps."""
    rows: list[Row] = []
    notes: list[str] = []
    for layout in LAYOUTS:
        name = LAYOUT_NAMES[layout]
        runs = day[layout]
        hist, alone = best([o.seconds for o in runs.job_hist]), best([o.seconds for o in runs.job_alone])
        ratio = hist / alone
        notes.append(
            f"{name}, {last}: usage_job with history {spread(runs.job_hist)} s, alone"
            f" {spread(runs.job_alone)} s; reader with history {spread(runs.read_hist)} s, alone"
            f" {spread(runs.read_alone)} s (min–max of {len(runs.job_hist)});"
            f" steps of one run with history: {step_times(runs.job_hist[0])}. The job keeps its transcript"
            " line index between its runs, as the nightly run does (the first run builds it: the slowest of"
            " the spread); the reader-only rows read without one."
        )
        rows.append(
            Row(
                f"{name}: usage_job, {last} with {days} days of history",
                hist,
                rss=max(o.max_rss for o in runs.job_hist),
                reference="same day alone",
                ratio=ratio,
                target=f"≤ {TARGET_DAY}×",
                status=status(ratio <= TARGET_DAY),
            )
        )
        rows.append(
            Row(f"{name}: usage_job, {last} alone", alone, rss=max(o.max_rss for o in runs.job_alone))
        )
        rh, ra = best([o.seconds for o in runs.read_hist]), best([o.seconds for o in runs.read_alone])
        rows.append(
            Row(
                f"{name}: reader only, {last} with history",
                rh,
                rss=max(o.max_rss for o in runs.read_hist),
                reference="reader, day alone",
                ratio=rh / ra,
                note=f"{runs.read_hist[0].data['events']:,} calls; alone {ra:.3f} s",
            )
        )
        mh, ma = best([o.seconds for o in runs.mid_hist]), best([o.seconds for o in runs.mid_alone])
        rows.append(
            Row(
                f"{name}: reader only, mid-year day {mid} with history",
                mh,
                rss=max(o.max_rss for o in runs.mid_hist),
                reference="reader, day alone",
                ratio=mh / ma,
                note=f"alone {ma:.3f} s",
            )
        )
    return rows, notes
