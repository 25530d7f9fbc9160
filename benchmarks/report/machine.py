"""The machine the figures came from, the versions of everything measured, and the commit measured."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

from benchmarks.measure.ccusage_cli import installed_version


def machine(postgres: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """CPU model, cores, memory, OS, and the versions of everything measured."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    out = {
        "CPU": f"{cpu}, {os.cpu_count()} cores visible (shared with other work on this machine)",
        "Memory": mem,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": sys.version.split()[0],
        "PostgreSQL": f"{postgres} (embedded, pgserver; default settings)",
    }
    out.update(_versions())
    out.update(extra or {})
    return out


def _versions() -> dict[str, str]:
    found: dict[str, str] = {}
    try:
        import dagster

        found["Dagster"] = dagster.__version__
    except ImportError:
        pass
    import sqlite3

    found["SQLite (Python)"] = sqlite3.sqlite_version
    try:
        cli = subprocess.run(
            ["sqlite3", "--version"], capture_output=True, text=True, check=True
        ).stdout.split()[0]
        found["sqlite3 CLI"] = cli
    except (OSError, subprocess.CalledProcessError, IndexError):
        found["sqlite3 CLI"] = "absent (reference run with Python's sqlite3 module)"
    try:
        import duckdb

        found["DuckDB"] = duckdb.__version__
    except ImportError:
        pass
    found["ccusage"] = installed_version() or "absent (its rows are left out: `make ccusage-cli`)"
    try:
        version = subprocess.run(
            ["find", "--version"], capture_output=True, text=True, check=True
        ).stdout.splitlines()[0]
        found["find"] = version
    except (OSError, subprocess.CalledProcessError, IndexError):
        pass
    return found


def code_version() -> str:
    """The code measured: its branch and last commit's time (UTC), and whether the pipeline's code had
    uncommitted changes. A time, not a hash: the report is a page for readers of the project."""
    try:
        committed = subprocess.run(
            ["git", "log", "-1", "--format=%cd", "--date=format-local:%Y-%m-%d %H:%M"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "TZ": "UTC"},
        )
        branch = subprocess.run(
            ["git", "branch", "--show-current"], capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "mission_pipeline"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    changed = len([line for line in dirty.stdout.splitlines() if line.strip()])
    where = branch.stdout.strip() or "a detached checkout"
    return f"{where} as committed at {committed.stdout.strip()} UTC" + (
        f", with {changed} uncommitted file(s) under mission_pipeline/" if changed else ""
    )
