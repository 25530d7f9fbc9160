"""Sizes and recorded figures shared by the reliability tests (fuzz, filesystem, access).

Every long test runs at a default size that keeps `make test` fast; `MISSION_PIPELINE_FULL_RELIABILITY=1`
runs the full size. Each test writes what it tried and what held to `test-artifacts/reliability/`, the
source of the figures in RELIABILITY.md.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, settings

FULL = os.environ.get("MISSION_PIPELINE_FULL_RELIABILITY", "") == "1"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reliability"


def fuzz_settings(examples: int) -> settings:
    """Hypothesis settings of the fuzz tests: `examples` seeded examples, the same ones by default."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=not FULL,
        database=None,
        # Examples are seeded, so shrinking gains little and takes minutes: a failure prints its plan.
        phases=(Phase.explicit, Phase.reuse, Phase.generate),
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


def size(default: int, full: int) -> int:
    """The default size, or the full one when MISSION_PIPELINE_FULL_RELIABILITY=1."""
    return full if FULL else default


def record_figures(name: str, figures: dict[str, Any]) -> None:
    """Write one test's figures (with when, where and at which size) for RELIABILITY.md."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    payload = {
        "test": name,
        "size": "full" if FULL else "default",
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} ({platform.machine()}, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, {platform.system()} {platform.release()})",
        "user_is_root": hasattr(os, "geteuid") and os.geteuid() == 0,
        **figures,
    }
    suffix = "full" if FULL else "default"
    (ARTIFACTS / f"{name}.{suffix}.json").write_text(json.dumps(payload, indent=2, default=str) + "\n")
