"""Totals per agent and day (calls, four token counts, recorded cost), and comparing them."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

TotalsJson = dict[str, dict[str, list[float]]]  # agent → day → [calls, input, output, read, write, cost]


def window(first: str, last: str) -> tuple[datetime, datetime]:
    """The UTC half-open range [first day 00:00, day after last 00:00)."""
    lo = datetime.fromisoformat(first).replace(tzinfo=UTC)
    hi = datetime.fromisoformat(last).replace(tzinfo=UTC) + timedelta(days=1)
    return lo, hi


def sums(rows: Any) -> TotalsJson:
    """Rows of (agent, day, calls, input, output, read, write, cost) as totals, cost rounded to 1e-9."""
    out: TotalsJson = defaultdict(dict)
    for agent, day, *values in rows:
        out[agent][day] = [int(v) for v in values[:5]] + [round(float(values[5] or 0), 9)]
    return out


def compare(got: TotalsJson, expected: TotalsJson, *, cost: bool = True) -> list[str]:
    """Cells (agent, day) whose calls or tokens (and cost, to 1e-6) differ; empty when all agree."""
    bad = []
    for agent in sorted(set(got) | set(expected)):
        for day in sorted(set(got.get(agent, {})) | set(expected.get(agent, {}))):
            g = got.get(agent, {}).get(day, [0, 0, 0, 0, 0, 0.0])
            e = expected.get(agent, {}).get(day, [0, 0, 0, 0, 0, 0.0])
            if [int(x) for x in g[:5]] != [int(x) for x in e[:5]] or (cost and abs(g[5] - e[5]) > 1e-6):
                bad.append(f"{agent} {day}: got {g[:5]} expected {e[:5]}")
    return bad


def restrict_totals(totals: TotalsJson, first: str, last: str) -> TotalsJson:
    """Only the days in [first, last] (agents without one left out)."""
    return {
        a: {d: r for d, r in days.items() if first <= d <= last}
        for a, days in totals.items()
        if any(first <= d <= last for d in days)
    }
