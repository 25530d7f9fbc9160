"""How much history to write, the named scales, and what of a scale says "same data"."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

# Bumped whenever the data written for the same scale change: a reused folder must hold this version.
GENERATOR_VERSION = 1


@dataclass(frozen=True)
class Scale:
    """How much history to write."""

    agents: int = 5
    days: int = 365
    calls: int = 1_000_000
    files: int = 100_000
    end: date | None = None  # the last day written; default: yesterday (UTC)
    seed: int = 42
    zstd_share: float = 0.0  # share of transcript rows ≥ 1 KiB stored as `event_zstd` (none seen in 2026.9.6)
    deleted_share: float = 0.03  # topic sessions deleted by the user
    long_share: float = 0.01  # calls on each agent's long-lived thread

    @property
    def last_day(self) -> date:
        """The last day written: `end`, or yesterday (UTC)."""
        return self.end or (datetime.now(UTC).date() - timedelta(days=1))

    @property
    def first_day(self) -> date:
        """The first day written, `days - 1` before the last."""
        return self.last_day - timedelta(days=self.days - 1)


SCALES = {
    "default": Scale(),
    "small": Scale(agents=2, days=30, calls=20_000, files=5_000),
}


def scale_key(scale: Scale) -> dict[str, Any]:
    """What a manifest records of its scale (and the generator's version): equal means same data."""
    key = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(scale).items()}
    key["generator"] = GENERATOR_VERSION
    return key
