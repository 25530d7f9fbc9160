"""The yardsticks: DuckDB's read_json over the JSONL files, sqlite3 over `transcript_events`.

Each is checked too: DuckDB against every call, sqlite3 against the calls left in `transcript_events`
(deleted sessions live only in zstd archives it cannot read).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.generate import Manifest
from benchmarks.harness import Harness
from benchmarks.measure.reference_tasks import SQLITE3_SQL
from benchmarks.measure.runner import Outcome, run_child, run_command
from benchmarks.measure.totals import compare
from benchmarks.progress import progress
from benchmarks.report.figures import best
from benchmarks.report.table import Row

HAVE_SQLITE3_CLI = shutil.which("sqlite3") is not None
SqliteRows = dict[str, list[list[Any]]]  # agent → the module's result rows (no CLI)


@dataclass
class ReferenceRuns:
    """Repeated DuckDB and sqlite3 runs, sqlite3's own peak RSS, and its rows where run in Python."""

    duckdb: list[Outcome]
    sqlite3: list[Outcome]
    sqlite3_rss: int
    sqlite3_rows: SqliteRows

    @property
    def duckdb_seconds(self) -> float:
        """DuckDB's best time."""
        return best([o.seconds for o in self.duckdb])

    @property
    def sqlite3_seconds(self) -> float:
        """sqlite3's best time (all agents' databases added up)."""
        return best([o.seconds for o in self.sqlite3])


def measure(h: Harness, full: Path, m: Manifest) -> ReferenceRuns:
    """DuckDB (checked) and sqlite3 `h.repeats` times each, then sqlite3 once more for its peak RSS."""
    progress("references: DuckDB read_json, sqlite3")
    state = full / "sqlite" / "state"
    duckdb = h.repeat(
        lambda: run_child("duckdb_reference", {"state": str(full / "jsonl" / "state")}, log=h.log), h.repeats
    )
    h.check("DuckDB reference", compare(duckdb[0].data["totals"], m.totals))
    sqlite3 = h.repeat(lambda: _sqlite3(h, state, m.agents)[0], h.repeats)
    rss_run, rows = _sqlite3(h, state, m.agents, rss=True)
    return ReferenceRuns(duckdb, sqlite3, rss_run.max_rss, rows)


def _sqlite3(h: Harness, state: Path, agents: list[str], *, rss: bool = False) -> tuple[Outcome, SqliteRows]:
    """sqlite3 summing `transcript_events` per day, one process per agent database, added up: the CLI,
    or Python's sqlite3 module (same SQL, same library family) where the CLI is not installed."""
    wall, seconds, peak = 0.0, 0.0, 0
    rows: SqliteRows = {}
    for agent in agents:
        db = state / "agents" / agent / "agent" / "openclaw-agent.sqlite"
        if HAVE_SQLITE3_CLI:
            cmd = ["sqlite3", "-readonly", "-csv", str(db), SQLITE3_SQL]
            out = run_command(f"sqlite3 {agent}", cmd, log=h.log, rss=rss)
            seconds += out.wall
        else:
            out = run_child("sqlite_reference", {"db": str(db)}, log=h.log)
            seconds += out.seconds
            rows[agent] = out.data["rows"]
        wall += out.wall
        peak = max(peak, out.max_rss)
    return Outcome("sqlite3", {"seconds": seconds}, wall, peak), rows


def check_sqlite3_totals(h: Harness, state: Path, m: Manifest, module_rows: SqliteRows) -> None:
    """The reference's totals (a separate, untimed run of the CLI whose output is parsed)."""
    got: dict[str, dict[str, list[float]]] = {}
    for agent in m.agents:
        db = state / "agents" / agent / "agent" / "openclaw-agent.sqlite"
        if HAVE_SQLITE3_CLI:
            text = subprocess.run(
                ["sqlite3", "-readonly", "-csv", str(db), SQLITE3_SQL],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            rows: list[list[Any]] = list(csv.reader(text.splitlines()))
        else:
            rows = module_rows.get(agent, [])
        got[agent] = {str(r[0]): [int(x) for x in r[1:6]] + [round(float(r[6]), 9)] for r in rows}
    h.check("sqlite3 reference", compare(got, m.totals_in_events))


def describe(runs: ReferenceRuns, calls: int) -> list[Row]:
    """A row each for DuckDB and sqlite3 (their times are the backfills' yardsticks)."""
    duck, lite = runs.duckdb_seconds, runs.sqlite3_seconds
    return [
        Row(
            f"DuckDB read_json, same JSONL, per agent and day ({runs.duckdb[0].data['threads']} threads)",
            duck,
            rows_per_s=calls / duck,
            rss=max(o.max_rss for o in runs.duckdb),
        ),
        Row(
            "sqlite3 CLI, same transcript_events, per day (one process per agent)"
            if HAVE_SQLITE3_CLI
            else "sqlite3 via Python's sqlite3 module (no CLI here), same transcript_events, per day",
            lite,
            rows_per_s=calls / lite,
            rss=runs.sqlite3_rss,
        ),
    ]
