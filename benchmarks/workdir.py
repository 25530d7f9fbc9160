"""The generated data in the work folder: the full history and "one day alone" copies, reused when the
folder already holds data of the same scale (and generator version)."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from benchmarks.generate import Manifest, Scale, generate, scale_key
from benchmarks.progress import progress


def history(scale: Scale, work: Path) -> tuple[Manifest, float]:
    """`work/history` at `scale`, generated unless already there; with the seconds generating took."""
    full = work / "history"
    wanted = scale_key(scale)
    if (
        (full / "manifest.json").exists()
        and Manifest.load(full).scale == wanted
        and Manifest.load(full).only_day is None
    ):
        progress(f"reusing the data in {full}")
        return Manifest.load(full), 0.0
    progress(
        f"generating {scale.agents} agents x {scale.days} days, {scale.calls:,} calls,"
        f" {scale.files:,} files in {full}"
    )
    started = time.perf_counter()
    manifest = generate(full, scale)
    return manifest, time.perf_counter() - started


def alone(scale: Scale, work: Path, day: date, manifest: Manifest) -> Path:
    """`work/alone-<day>`: the same history with only `day`'s lines, sharing the history's workspace."""
    root = work / f"alone-{day.isoformat()}"
    wanted = scale_key(scale)
    if not ((root / "manifest.json").exists() and Manifest.load(root).scale == wanted):
        progress(f"generating {day} alone")
        generate(root, scale, only_day=day, workspace=Path(manifest.stats["workspace_path"]))
    return root
