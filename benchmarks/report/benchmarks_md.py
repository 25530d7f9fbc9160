"""BENCHMARKS.md: the data measured, the table, correctness of every run and notes; and results.json."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from benchmarks.generate import Manifest
from benchmarks.progress import progress
from benchmarks.report.figures import describe_bytes, load_average
from benchmarks.report.machine import code_version, machine
from benchmarks.report.table import Report, Row

ALL_CORRECT = (
    "- Every pipeline run, reader pass and reference reproduced the generator's totals (calls, four token"
    " counts and recorded cost per agent and day; `agent_usage` per agent and day); sqlite3 checked against"
    " the rows left in `transcript_events` (deleted sessions live only in zstd archives it cannot read)."
)
NOTES = [
    "- `find -maxdepth 3` only reads directory entries (getdents, d_type); the scan must also stat every file"
    " for its size and mtime, which `find -printf '%s %T@'` does too: that is the like-for-like reference.",
    "- DuckDB runs on every core it sees. The pipeline's backfills parse in one worker process per core"
    " while the run's own process builds, encodes and writes the ledger; its 'reader only' rows and its"
    " one-day runs (a week or less) read in one process.",
    "- Peak RSS: a Python child's own `VmHWM`; an external command's from GNU time. PostgreSQL's memory is in"
    " neither (it is a separate server process).",
]


def total_calls(m: Manifest) -> int:
    """Every call the generator wrote."""
    return int(sum(r[0] for days in m.totals.values() for r in days.values()))


def data_lines(
    m: Manifest,
    scale_name: str,
    repeats: int,
    gen_seconds: float,
    elapsed: float,
    last: date,
    mid: date,
) -> list[str]:
    """The "Data" section: the scale, both layouts' contents, the days measured, how long it all took."""
    st = m.stats
    days = m.scale["days"]
    ws_files = st["workspace"].get("files", 0)
    return [
        f"Scale `{scale_name}`: {len(m.agents)} agents, {days} days ({m.first_day} … {m.last_day}),"
        f" {total_calls(m):,} assistant calls, {ws_files:,} workspace files; seed {m.scale['seed']}.",
        f"SQLite layout: {st['sqlite_rows']:,} `transcript_events` rows"
        f" ({describe_bytes(st['sqlite_row_bytes'])} of JSON, {st['sqlite_zstd_rows']:,} as"
        f" `event_zstd`), {st['sessions'] - st['deleted_sessions']:,} sessions, {st['sqlite_archives']}"
        " deleted sessions as zstd archives (table + published `.zst` file).",
        f"JSONL layout: {st['jsonl_transcript_files']:,} transcripts"
        f" ({describe_bytes(st['jsonl_transcript_bytes'])}; live, `.reset.`, `.deleted.`) among"
        f" {st['jsonl_files']:,} files (trajectory sidecars beside each).",
        f"Day measured: {last} (the nightly run's day, {_day_calls(m, last):,} calls) and mid-year"
        f" {mid}; 'alone' = the same state with every other day's lines removed (session headers kept).",
        f"Generation took {st.get('generate_seconds', gen_seconds):.0f} s; the whole run"
        f" {elapsed / 60:.1f} min; load average at the end {load_average()}.",
        f"Short measurements run {repeats}× each, alternating, and the best run reported (load from"
        " other work on the machine only ever adds time; the spread is in the notes); backfills once;"
        f" ledger write and COPY best of {min(repeats, 2)}.",
    ]


def write_benchmarks(
    output: Path,
    work: Path,
    postgres: str,
    data: list[str],
    rows: list[Row],
    notes: list[str],
    checks: list[str],
    extra: list[tuple[str, list[str]]] | None = None,
) -> None:
    """Write `output` (Markdown) and `work/results.json`; print the table and any failed check. `extra`
    sections (a comparison with tables of its own) come after the main table."""
    sections = [
        *(extra or []),
        ("Correctness of every run", ["- " + c for c in checks] or [ALL_CORRECT]),
        ("Notes", ["- " + n for n in notes] + (NOTES if rows else [])),
    ]
    rep = Report("Benchmarks", machine(postgres, {"Code measured": code_version()}), data, rows, sections)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(rep.markdown(), encoding="utf-8")
    print(rep.text_table())
    for heading, lines in extra or []:
        print(f"\n{heading}\n" + "\n".join(lines))
    for c in checks:
        print("CHECK FAILED:", c)
    progress(f"wrote {output}")
    (work / "results.json").write_text(json.dumps([r.__dict__ for r in rows], indent=1, default=str))


def _day_calls(m: Manifest, day: date) -> int:
    return int(sum(days.get(day.isoformat(), [0])[0] for days in m.totals.values()))
