"""The shape of the history before any line is written: calls per agent and day, and the transcripts.

Per agent and day: a main session reset daily at 04:00 UTC (so it runs past midnight), 1-4 topic
sessions (a few deleted by the user), cron runs (every 6 h, plus a daily digest with a tool round trip),
and one long-lived thread that spans the whole period.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from benchmarks.generate.filler import random_uuid
from benchmarks.generate.scale import Scale
from benchmarks.generate.times import DAY, HOUR, MINUTE, day_ms
from benchmarks.generate.vocabulary import TOPICS, agent_ids

Slot = tuple[int, int, int]  # (from_ms, to_ms, calls)


@dataclass
class Plan:
    """One transcript to write: its key, the windows its calls fall in, and what became of it."""

    agent: str
    agent_no: int
    index: int
    sid: str
    key: str
    kind: str  # main | topic | cron | long
    slots: list[Slot]
    seed: int
    label: str | None = None
    job: str | None = None
    deleted_at: int | None = None
    reset_at: int | None = None

    @property
    def start_ms(self) -> int:
        """When the transcript starts: a little before its first call window."""
        return self.slots[0][0] - 10_000

    @property
    def end_ms(self) -> int:
        """The latest its last line can be."""
        return self.slots[-1][1] + 5 * MINUTE  # a turn may finish after its slot

    @property
    def calls(self) -> int:
        """How many model calls it holds."""
        return sum(s[2] for s in self.slots)


def budgets(scale: Scale) -> list[list[int]]:
    """Calls per agent and day, summing exactly to `scale.calls` (weekday-heavy, growing, noisy)."""
    rng = random.Random(scale.seed)  # noqa: S311 (deterministic data, not secrets)
    weights = []
    for a in range(scale.agents):
        agent_w = 1.6 / (1 + 0.35 * a)
        row = []
        for k in range(scale.days):
            day = scale.first_day + timedelta(days=k)
            week = 0.45 if day.weekday() >= 5 else 1.0
            trend = 0.6 + 0.8 * (k / max(scale.days - 1, 1))
            row.append(agent_w * week * trend * rng.uniform(0.85, 1.15))
        weights.append(row)
    total = sum(map(sum, weights))
    exact = [[w * scale.calls / total for w in row] for row in weights]
    counts = [[int(x) for x in row] for row in exact]
    # Largest remainders first: the rounded counts add up to exactly `scale.calls`.
    short = scale.calls - sum(map(sum, counts))
    order = sorted(
        ((exact[a][k] - counts[a][k], a, k) for a in range(scale.agents) for k in range(scale.days)),
        reverse=True,
    )
    for _, a, k in order[:short]:
        counts[a][k] += 1
    return counts


def plan_agent(scale: Scale, agent_no: int, calls_by_day: list[int]) -> list[Plan]:
    """The transcripts of one agent, sorted by start."""
    agent = agent_ids(scale.agents)[agent_no]
    rng = random.Random(scale.seed * 7919 + agent_no)  # noqa: S311
    range_end = day_ms(scale.last_day) + DAY
    plans: list[Plan] = []
    jobs = (random_uuid(rng), random_uuid(rng))
    long = Plan(
        agent,
        agent_no,
        0,
        random_uuid(rng),
        f"agent:{agent}:ops-inbox",
        "long",
        [],
        rng.getrandbits(48),
        "ops-inbox",
    )

    def add(kind: str, key: str, slots: list[Slot], **kw: Any) -> Plan:
        """A new session of this agent (its id and seed drawn now, so the order of draws is fixed)."""
        plan = Plan(agent, agent_no, 0, random_uuid(rng), key, kind, slots, rng.getrandbits(48), **kw)
        plans.append(plan)
        return plan

    for k, budget in enumerate(calls_by_day):
        d0 = day_ms(scale.first_day + timedelta(days=k))
        cron = 6 if budget >= 12 else 0
        n_long = int(budget * scale.long_share + rng.random())
        rest = max(budget - cron - n_long, 0)
        n_long = budget - cron - rest
        if cron:
            for hour in (0, 6, 12, 18):
                at = d0 + hour * HOUR + 15 * MINUTE + rng.randrange(90_000)
                add("cron", f"agent:{agent}:cron:{jobs[0]}", [(at + 1000, at + 20_000, 1)], job=jobs[0])
            at = d0 + 7 * HOUR + 30 * MINUTE + rng.randrange(60_000)
            add("cron", f"agent:{agent}:cron:{jobs[1]}", [(at + 1000, at + 40_000, 2)], job=jobs[1])
        if n_long:
            long.slots.append((d0 + 8 * HOUR, d0 + 22 * HOUR, n_long))
        n_main = round(rest * 0.55)
        n_topics = rest - n_main
        if n_main:
            end = min(d0 + DAY + 3 * HOUR + 30 * MINUTE, range_end - 10 * MINUTE)
            add("main", f"agent:{agent}:main", [(d0 + 4 * HOUR + rng.randrange(600_000), end, n_main)])
        if n_topics:
            parts = max(1, min(4, n_topics // 40))
            cuts = sorted(rng.sample(range(1, n_topics), parts - 1)) if parts > 1 else []
            sizes = [b - a for a, b in zip([0, *cuts], [*cuts, n_topics], strict=True)]
            for size in sizes:
                start = d0 + rng.randrange(7 * HOUR, 21 * HOUR)
                label = rng.choice(TOPICS)
                plan = add(
                    "topic",
                    f"agent:{agent}:{label}",
                    [(start, start + rng.randrange(20, 180) * MINUTE, size)],
                    label=label,
                )
                if rng.random() < scale.deleted_share and plan.end_ms + 2 * HOUR < range_end:
                    plan.deleted_at = min(plan.end_ms + rng.randrange(10 * MINUTE, 2 * DAY), range_end - HOUR)
    if long.slots:
        plans.append(long)
    plans.sort(key=lambda p: (p.start_ms, p.sid))
    for i, plan in enumerate(plans):
        plan.index = i
    # The file era renames a key's transcript to .reset.<ts> when the key gets a new session.
    by_key: dict[str, list[Plan]] = defaultdict(list)
    for plan in plans:
        if plan.kind in ("main", "topic") and plan.deleted_at is None:
            by_key[plan.key].append(plan)
    for same in by_key.values():
        for before, after in itertools.pairwise(same):
            before.reset_at = max(after.start_ms, before.end_ms + 1000)
    return plans


def iter_plans(scale: Scale) -> Iterator[list[Plan]]:
    """Every agent's transcripts, one agent at a time."""
    counts = budgets(scale)
    for a in range(scale.agents):
        yield plan_agent(scale, a, counts[a])
