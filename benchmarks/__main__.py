"""`python -m benchmarks`: generate, measure side by side, write BENCHMARKS.md.

    python -m benchmarks                # 5 agents, 365 days, 1M calls, 100k files
    python -m benchmarks --scale small      # CI size, about a minute or two
    python -m benchmarks --agents 10 --calls 2000000 --workdir /data/bench --keep
    python -m benchmarks --only host --workdir /data/bench   # the host's steady cost alone
    python -m benchmarks --only day --workdir /data/bench --output .bench/day.md   # one day alone

Data go to a temporary folder (or `--workdir`, reused when its manifest has the same scale) and are
deleted at the end unless `--keep`. The embedded PostgreSQL runs in its own temporary data folder and is
stopped at the end; every measurement gets a fresh database cloned from a migrated template.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

from benchmarks.benchmark import run, run_only
from benchmarks.generate import SCALES

_OVERRIDES = ("agents", "days", "calls", "files", "end")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: the scale (named, with overrides), repeats, where the data go, the output."""
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    p.add_argument("--scale", choices=sorted(SCALES), default="default")
    p.add_argument("--agents", type=int)
    p.add_argument("--days", type=int)
    p.add_argument("--calls", type=int)
    p.add_argument("--files", type=int)
    p.add_argument("--end", type=date.fromisoformat, help="last day of history (default: yesterday, UTC)")
    p.add_argument("--repeats", type=int, help="runs of each short measurement (the best reported)")
    p.add_argument("--workdir", type=Path, help="where the generated data live (reused if same scale)")
    p.add_argument("--keep", action="store_true", help="keep the generated data")
    p.add_argument("--output", type=Path, default=Path("BENCHMARKS.md"))
    p.add_argument(
        "--only",
        choices=["host", "day"],
        help="measure one comparison alone (host: steady cost; day: one day with history vs alone)",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; the exit status is 1 if any run's totals were wrong."""
    args = parse_args(argv)
    scale = replace(
        SCALES[args.scale], **{k: getattr(args, k) for k in _OVERRIDES if getattr(args, k) is not None}
    )
    if scale.end is None:
        scale = replace(scale, end=scale.last_day)  # fixed for the whole run
    repeats = args.repeats or (5 if args.scale == "default" else 1)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="mission-pipeline-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.only:
            return run_only(args.only, scale, work, repeats, args.output, args.scale)
        return run(scale, work, repeats, args.output, args.scale)
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
