"""What every comparison shares: the work folder, the warehouse, the children's log, and the checks.

A figure is only reported for a correct result: every pipeline run and reference is checked against the
generator's totals, and any difference is listed in the report (and fails the run).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from benchmarks.generate import Scale
from benchmarks.measure.environment import child_env
from benchmarks.measure.runner import Outcome, run_child
from benchmarks.measure.totals import TotalsJson, compare, restrict_totals
from benchmarks.measure.warehouse import Warehouse

LAYOUTS = ("sqlite", "jsonl")


@dataclass
class Harness:
    """The run's settings and warehouse, and what the comparisons found (failed checks, pipeline RSS)."""

    scale: Scale
    work: Path
    repeats: int
    pg: Warehouse
    checks: list[str] = field(default_factory=list)
    pipeline_rss: list[tuple[str, int]] = field(default_factory=list)

    @property
    def log(self) -> Path:
        """Where the children's stderr goes."""
        return self.work / "children.log"

    def job(self, state: Path, first: date, last: date, expected: TotalsJson, label: str) -> Outcome:
        """The real `usage_job` on `state` for [first, last] into a fresh database, checked; RSS kept."""
        url = self.pg.fresh()
        try:
            env = child_env(state, url, self.scale.first_day, self.work / "pipeline-data")
            out = run_child(
                "job", {"first": first.isoformat(), "last": last.isoformat()}, env=env, log=self.log
            )
            if not out.data["success"]:
                raise RuntimeError(f"{label}: usage_job failed: {out.data['failures']}")
            want = restrict_totals(expected, first.isoformat(), last.isoformat())
            bad = compare(self.pg.ledger_totals(url), want)
            bad += compare(self.pg.usage_totals(url), want, cost=False)
            self.check(label, bad)
        finally:
            self.pg.drop(url)
        self.pipeline_rss.append((label, out.max_rss))
        return out

    def read(self, state: Path, first: date, last: date, expected: TotalsJson, label: str) -> Outcome:
        """The real reader alone on `state` for [first, last], checked; RSS kept."""
        out = run_child(
            "read", {"state": str(state), "first": first.isoformat(), "last": last.isoformat()}, log=self.log
        )
        self.check(
            label, compare(out.data["totals"], restrict_totals(expected, first.isoformat(), last.isoformat()))
        )
        self.pipeline_rss.append((label, out.max_rss))
        return out

    def check(self, label: str, bad: list[str]) -> None:
        """Record a failed check if any (agent, day) cell differs."""
        if bad:
            self.checks.append(
                f"{label}: {len(bad)} (agent, day) cells differ from the generator's totals, e.g. {bad[:2]}"
            )

    def repeat(self, fn: Callable[[], Outcome], n: int) -> list[Outcome]:
        """`n` runs of one measurement."""
        return [fn() for _ in range(n)]


def spread(outcomes: list[Outcome]) -> str:
    """The fastest and slowest of repeated runs, in seconds, joined by an en dash."""
    values = [o.seconds for o in outcomes]
    return f"{min(values):.3f}–{max(values):.3f}"


def step_times(outcome: Outcome) -> str:
    """A job run's Dagster steps and their seconds."""
    return ", ".join(f"{k} {v:.2f} s" for k, v in outcome.data.get("steps", {}).items())
