"""The workspace scan (`scan_workspace`, depth 3) vs `find -maxdepth 3`, names only and with stat.

`find -maxdepth 3` only reads directory entries; the scan must also stat every file for its size and
mtime, which `find -printf '%s %T@'` does too: that is the like-for-like reference.
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.generate import Manifest
from benchmarks.harness import Harness
from benchmarks.measure.runner import Outcome, run_child, run_command
from benchmarks.progress import progress
from benchmarks.report.figures import best, status
from benchmarks.report.table import Row
from benchmarks.targets import TARGET_SCAN


@dataclass
class ScanRuns:
    """The scan's repeated times (one child), and both finds' runs and own peak RSS."""

    scan: Outcome
    find: list[Outcome]
    find_stat: list[Outcome]
    find_rss: int
    find_stat_rss: int


def measure(h: Harness, m: Manifest) -> ScanRuns:
    """Scan (warm: after a find warm-up) and both finds `h.repeats` times; check what each listed."""
    n = h.repeats
    progress("workspace scan vs find")
    ws = m.stats["workspace_path"]
    run_command("find warm-up", ["find", ws, "-maxdepth", "3"])
    scan = run_child("scan", {"root": ws, "repeats": n}, log=h.log)
    h.pipeline_rss.append(("workspace scan", scan.max_rss))
    if (
        scan.data["files"] != m.stats["workspace"]["files"]
        or scan.data["bytes"] != m.stats["workspace"]["bytes"]
    ):
        h.checks.append(
            f"workspace scan: {scan.data['files']} files / {scan.data['bytes']} bytes,"
            f" generator wrote {m.stats['workspace']}"
        )
    plain = ["find", ws, "-maxdepth", "3"]
    stat = ["find", ws, "-maxdepth", "3", "-type", "f", "-printf", "%s %T@\\n"]
    find = h.repeat(lambda: run_command("find", plain), n)
    find_stat = h.repeat(lambda: run_command("find -printf", stat), n)
    find_rss = run_command("find", plain, rss=True).max_rss
    find_stat_rss = run_command("find -printf", stat, rss=True).max_rss
    if find_stat[0].data["lines"] != m.stats["workspace"]["files"]:
        h.checks.append(f"find -printf listed {find_stat[0].data['lines']} files")
    return ScanRuns(scan, find, find_stat, find_rss, find_stat_rss)


def describe(runs: ScanRuns) -> list[Row]:
    """The scan against each find (both targets), and a row for each find."""
    scan = best(runs.scan.data["times"])
    fnd = best([o.wall for o in runs.find])
    fst = best([o.wall for o in runs.find_stat])
    files = runs.scan.data["files"]
    return [
        Row(
            f"Workspace scan (scan_workspace), {files:,} files, depth 3",
            scan,
            rows_per_s=files / scan,
            rss=runs.scan.max_rss,
            reference="find -maxdepth 3",
            ratio=scan / fnd,
            target=f"≤ {TARGET_SCAN}×",
            status=status(scan / fnd <= TARGET_SCAN),
        ),
        Row(
            "Workspace scan, same",
            scan,
            reference="find -maxdepth 3 -printf '%s %T@'",
            ratio=scan / fst,
            target=f"≤ {TARGET_SCAN}×",
            status=status(scan / fst <= TARGET_SCAN),
        ),
        Row(
            "find -maxdepth 3 (names only)",
            fnd,
            rows_per_s=runs.find[0].data["lines"] / fnd,
            rss=runs.find_rss,
        ),
        Row(
            "find -maxdepth 3 -type f -printf '%s %T@'",
            fst,
            rows_per_s=files / fst,
            rss=runs.find_stat_rss,
        ),
    ]
