"""What the generator wrote: calls, tokens and cost per agent and day, and counts of what is on disk.

`manifest.json` is the benchmark's answer key: every measured run must give back these totals.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.generate.transcript import Call

TotalsJson = dict[str, dict[str, list[float]]]  # agent → day → [calls, input, output, read, write, cost]


@dataclass
class Totals:
    """Calls, tokens and recorded cost per agent and UTC day."""

    cells: dict[str, dict[str, list[float]]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, agent: str, day: str, call: Call) -> None:
        """Count one call on `day`."""
        row = self.cells[agent].setdefault(day, [0, 0, 0, 0, 0, 0.0])
        row[0] += 1
        for i in range(4):
            row[i + 1] += call[i]
        row[5] += call[4]

    def as_json(self) -> TotalsJson:
        """Sorted by agent and day, the cost rounded to 1e-9 (float sums differ in the last digits)."""
        return {
            a: {d: [*r[:5], round(r[5], 9)] for d, r in sorted(days.items())}
            for a, days in sorted(self.cells.items())
        }


@dataclass
class Manifest:
    """The scale written, its days and agents, the totals, and statistics of the files."""

    scale: dict[str, Any]
    first_day: str
    last_day: str
    only_day: str | None
    agents: list[str]
    totals: TotalsJson  # every call (what a correct reader returns)
    totals_in_events: TotalsJson  # only calls in transcript_events (sqlite3's view)
    stats: dict[str, Any]

    def save(self, root: Path) -> None:
        """Write `root/manifest.json`."""
        (root / "manifest.json").write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")

    @classmethod
    def load(cls, root: Path) -> Manifest:
        """Read `root/manifest.json`."""
        return cls(**json.loads((root / "manifest.json").read_text(encoding="utf-8")))
