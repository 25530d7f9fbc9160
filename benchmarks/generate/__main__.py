"""`python -m benchmarks.generate OUT`: write a history at a scale, print its statistics."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

from benchmarks import generate as package
from benchmarks.generate.history import generate
from benchmarks.generate.scale import SCALES

_OVERRIDES = ("agents", "days", "calls", "files", "end", "zstd_share")


def main(argv: list[str] | None = None) -> None:
    """Parse the flags, generate into OUT, print the manifest's statistics."""
    assert package.__doc__ is not None
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate", description=package.__doc__.splitlines()[0]
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--agents", type=int)
    parser.add_argument("--days", type=int)
    parser.add_argument("--calls", type=int)
    parser.add_argument("--files", type=int)
    parser.add_argument("--end", type=date.fromisoformat)
    parser.add_argument("--only-day", type=date.fromisoformat)
    parser.add_argument("--zstd-share", type=float)
    args = parser.parse_args(argv)
    scale = replace(SCALES[args.scale], **{k: v for k in _OVERRIDES if (v := getattr(args, k)) is not None})
    manifest = generate(args.out, scale, only_day=args.only_day)
    print(json.dumps(manifest.stats, indent=1))


if __name__ == "__main__":
    main()
