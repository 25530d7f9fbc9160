"""A transcript rendered for both OpenClaw versions, line by line, with the calls it holds."""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.generate.plan import Plan

Call = tuple[int, int, int, int, float]  # input, output, cacheRead, cacheWrite, cost


@dataclass
class Line:
    """One rendered transcript line of both versions, with what it holds."""

    ts: int
    v9: str
    v5: str
    call: Call | None = None


@dataclass
class Session:
    """One transcript's lines and trajectory in both versions, as planned."""

    plan: Plan
    model: str  # the model of its last call
    lines: list[Line]
    trajectory_v9: list[tuple[int, str]]  # (ts, event_json)
    trajectory_v5: list[str]
    run_id: str
    cwd: str

    @property
    def last_ts(self) -> int:
        """The time of its last line."""
        return self.lines[-1].ts

    def calls(self) -> list[Call]:
        """Every call it holds, in order."""
        return [line.call for line in self.lines if line.call]
