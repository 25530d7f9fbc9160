"""The benchmark's table: figures, ratios against the issue's targets, and the machine they came from."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MB = 1024 * 1024


@dataclass
class Row:
    """One line of the table."""

    what: str
    seconds: float | None = None
    rows_per_s: float | None = None
    rss: int | None = None  # bytes
    reference: str = ""
    ratio: float | None = None
    target: str = ""
    status: str = ""  # "met", "MISSED", "" (informational)
    note: str = ""


@dataclass
class Report:
    title: str
    machine: dict[str, str]
    data: list[str]
    rows: list[Row] = field(default_factory=list)
    sections: list[tuple[str, list[str]]] = field(default_factory=list)

    def markdown(self) -> str:
        out = [f"# {self.title}", ""]
        out += [
            "Written by `python -m mission_pipeline.bench` (`make bench`); do not edit by hand. Every figure"
            " comes from one run on the data described below, each measurement in a child process of its own"
            " (time taken around the measured call; peak RSS = that process's own high-water mark).",
            "",
            "## Machine",
            "",
        ]
        out += [f"- {k}: {v}" for k, v in self.machine.items()]
        out += ["", "## Data", ""] + [f"- {line}" for line in self.data]
        out += ["", "## Results", "", self.table(), ""]
        for heading, lines in self.sections:
            out += [f"## {heading}", "", *lines, ""]
        return "\n".join(out).rstrip() + "\n"

    def table(self) -> str:
        head = [
            "Measurement",
            "Time (s)",
            "Rows/s",
            "Peak RSS (MB)",
            "Compared with",
            "Ratio",
            "Target",
            "Status",
        ]
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * len(head)) + "|"]
        for r in self.rows:
            cells = [
                r.what + (f" ({r.note})" if r.note else ""),
                _num(r.seconds, 3),
                _num(r.rows_per_s, 0, thousands=True),
                _num(None if r.rss is None else r.rss / MB, 0),
                r.reference,
                "" if r.ratio is None else f"{r.ratio:.2f}×",
                r.target,
                r.status,
            ]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def text_table(self) -> str:
        """A plain-text version for the terminal."""
        head = ["measurement", "time s", "rows/s", "RSS MB", "vs", "ratio", "target", "status"]
        body = [
            [
                r.what,
                _num(r.seconds, 3),
                _num(r.rows_per_s, 0, thousands=True),
                _num(None if r.rss is None else r.rss / MB, 0),
                r.reference,
                "" if r.ratio is None else f"{r.ratio:.2f}x",
                r.target,
                r.status,
            ]
            for r in self.rows
        ]
        widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=True)]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths)
        return "\n".join(fmt.format(*line) for line in [head, *body])


def _num(value: float | None, digits: int, *, thousands: bool = False) -> str:
    if value is None:
        return ""
    return f"{value:,.{digits}f}" if thousands else f"{value:.{digits}f}"


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def best(values: Sequence[float]) -> float:
    return float(min(values))


def status(ok: bool) -> str:
    return "met" if ok else "**MISSED**"


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
    try:
        version = subprocess.run(
            ["find", "--version"], capture_output=True, text=True, check=True
        ).stdout.splitlines()[0]
        found["find"] = version
    except (OSError, subprocess.CalledProcessError, IndexError):
        pass
    return found


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def describe_bytes(n: Any) -> str:
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.1f} GiB"


def code_version() -> str:
    """The commit measured, and whether the pipeline's code had uncommitted changes."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
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
    return sha.stdout.strip() + (
        f" with {changed} uncommitted file(s) under mission_pipeline/" if changed else ""
    )
