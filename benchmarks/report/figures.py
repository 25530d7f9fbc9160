"""How figures are summarized and printed: the estimate of repeated runs, sizes, target status."""

from __future__ import annotations

import os
import statistics
from collections.abc import Sequence
from typing import Any

MB = 1024 * 1024


def median(values: Sequence[float]) -> float:
    """The median of repeated runs."""
    return float(statistics.median(values))


def best(values: Sequence[float]) -> float:
    """The best (smallest) of repeated runs: noise from other work only ever adds time."""
    return float(min(values))


def status(ok: bool) -> str:
    """A target's status cell: met, or (bold) missed."""
    return "met" if ok else "**MISSED**"


def describe_bytes(n: Any) -> str:
    """A size in B, KiB, MiB or GiB (one decimal above bytes)."""
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.1f} GiB"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (other work on the machine shows here)."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"
