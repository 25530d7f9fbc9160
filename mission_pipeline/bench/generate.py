"""A realistic OpenClaw state directory at a chosen scale, in both storage layouts, with known totals.

One deterministic history of model calls (agents x days x calls) is written twice:

* `sqlite/state`: the 2026.9.6 layout. `agents/<id>/agent/openclaw-agent.sqlite` with the real schema
  (`transcript_events` rows inserted in global time order, as a live Gateway appends them;
  `session_windows`, `session_nodes`, `trajectory_runtime_events`); deleted sessions leave their rows
  for a zstd BLOB in `session_transcript_archives` plus the published
  `sessions/<sid>.jsonl.deleted.<ISO>.<hash>.zst` file, both copies of the same calls.
* `jsonl/state`: the 2026.5.28 file layout. `agents/<id>/sessions/<sid>.jsonl` (live), superseded
  sessions as `<sid>.jsonl.reset.<ISO>`, deleted ones as `<sid>.jsonl.deleted.<ISO>`, a
  `<sid>.trajectory.jsonl` (+ `.trajectory-path.json`) beside every session (never to be counted: it
  repeats the usage), `sessions.json`, `cron/jobs.json` and `cron/runs/<jobId>.jsonl`.

Every line is a real OpenClaw line with new values (see `templates`). Every file gets the mtime of its
last line (archives: of their deletion), every SQLite window the times the Gateway stamps. The history:
per agent and day, a main session reset daily at 04:00 UTC (so it runs past midnight), 1-4 topic
sessions, cron runs (every 6 h, plus a daily digest with a tool round trip), and one long-lived thread
that spans the whole period; tool round trips, provider errors (zero usage, not calls) and model
switches. `manifest.json` holds the totals the generator wrote, per agent and day.

`only_day` writes the same history restricted to one day's lines (headers kept): "that day alone".
The workspace (`workspace/`, `files` regular files within 3 levels plus deeper ones not to be
indexed) is the configured workspace of the first agent in both layouts.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import heapq
import itertools
import json
import math
import os
import random
import shutil
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import zstandard

from mission_pipeline.bench import templates as T

# Bumped whenever the data written for the same scale change: a reused folder must hold this version.
GENERATOR_VERSION = 1
HOUR = 3_600_000
MINUTE = 60_000
DAY = 24 * HOUR
AGENT_NAMES = ["main", "max", "dash", "atlas", "amber", "nova", "orion", "pixel", "quill", "rune"]
# Per-1M prices OpenClaw had configured in the samples (openclaw.json), used for the recorded cost.
PRICES = {
    "claude-opus-4-6": (5.0, 25.0, 0.5, 6.25),
    "claude-sonnet-4-5": (3.0, 15.0, 0.3, 3.75),
    "claude-haiku-3-5": (0.8, 4.0, 0.08, 1.0),
}
MODELS = list(PRICES)
TOPICS = [
    "refactor-auth",
    "budget-2027",
    "expenses-oct",
    "pricing-page",
    "inbox-triage",
    "reading-list",
    "groceries",
    "visa-research",
    "oncall-handoff",
    "old-incident",
    "release-notes",
    "hiring-loop",
    "q3-review",
    "travel-lisbon",
    "tax-docs",
    "newsletter",
    "db-migration",
    "customer-acme",
    "perf-regression",
    "blog-draft",
    "roadmap",
    "vendor-compare",
    "security-audit",
    "team-offsite",
]
TOOL_PATHS = [
    "MEMORY.md",
    "USER.md",
    "projects/clients/acme/notes/kickoff.md",
    "memory/2026-11-20.md",
    "AGENTS.md",
]
_WORDS = (
    "the deploy finished cleanly and the error rate is back under the SLO; I checked the dashboard, "
    "the last three incidents and the open pull requests. Next: rotate the staging keys, update the "
    "runbook, and ask the vendor about the invoice from October. Your calendar has two meetings "
    "tomorrow (standup at 09:30, design review at 14:00). I drafted the reply to Acme with the revised "
    "numbers — total 12,480 EUR, payment due in 30 days — and saved it under projects/clients/acme. "
    "Notes: café receipts scanned, résumé updated, 日本語 summary attached. "
)


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
        return self.end or (datetime.now(UTC).date() - timedelta(days=1))

    @property
    def first_day(self) -> date:
        return self.last_day - timedelta(days=self.days - 1)


SCALES = {
    "default": Scale(),
    "small": Scale(agents=2, days=30, calls=20_000, files=5_000),
}


@dataclass
class Plan:
    """One transcript to write: its key, the windows its calls fall in, and what became of it."""

    agent: str
    agent_no: int
    index: int
    sid: str
    key: str
    kind: str  # main | topic | cron | long
    slots: list[tuple[int, int, int]]  # (from_ms, to_ms, calls)
    seed: int
    label: str | None = None
    job: str | None = None
    deleted_at: int | None = None
    reset_at: int | None = None

    @property
    def start_ms(self) -> int:
        return self.slots[0][0] - 10_000

    @property
    def end_ms(self) -> int:
        return self.slots[-1][1] + 5 * MINUTE  # a turn may finish after its slot

    @property
    def calls(self) -> int:
        return sum(s[2] for s in self.slots)


@dataclass
class Line:
    """One rendered transcript line of both versions, with what it holds."""

    ts: int
    v9: str
    v5: str
    call: tuple[int, int, int, int, float] | None = None  # input, output, cacheRead, cacheWrite, cost


@dataclass
class Session:
    plan: Plan
    model: str
    lines: list[Line]
    trajectory_v9: list[tuple[int, str]]  # (ts, event_json)
    trajectory_v5: list[str]
    run_id: str
    cwd: str

    @property
    def last_ts(self) -> int:
        return self.lines[-1].ts


@dataclass
class Totals:
    """Calls, tokens and recorded cost per agent and UTC day."""

    cells: dict[str, dict[str, list[float]]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, agent: str, day: str, call: tuple[int, int, int, int, float]) -> None:
        row = self.cells[agent].setdefault(day, [0, 0, 0, 0, 0, 0.0])
        row[0] += 1
        for i in range(4):
            row[i + 1] += call[i]
        row[5] += call[4]

    def as_json(self) -> dict[str, dict[str, list[float]]]:
        return {
            a: {d: [*r[:5], round(r[5], 9)] for d, r in sorted(days.items())}
            for a, days in sorted(self.cells.items())
        }


# --- planning -------------------------------------------------------------------------------------------


def agent_ids(n: int) -> list[str]:
    return [AGENT_NAMES[i] if i < len(AGENT_NAMES) else f"agent{i:02d}" for i in range(n)]


def _day_ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


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
    range_end = _day_ms(scale.last_day) + DAY
    plans: list[Plan] = []
    jobs = (_uuid(rng), _uuid(rng))
    long = Plan(
        agent,
        agent_no,
        0,
        _uuid(rng),
        f"agent:{agent}:ops-inbox",
        "long",
        [],
        rng.getrandbits(48),
        "ops-inbox",
    )

    def add(kind: str, key: str, slots: list[tuple[int, int, int]], **kw: Any) -> Plan:
        plan = Plan(agent, agent_no, 0, _uuid(rng), key, kind, slots, rng.getrandbits(48), **kw)
        plans.append(plan)
        return plan

    for k, budget in enumerate(calls_by_day):
        d0 = _day_ms(scale.first_day + timedelta(days=k))
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


# --- content --------------------------------------------------------------------------------------------


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def _iso_dashes(ms: int) -> str:
    return _iso(ms).replace(":", "-")


def _text(rng: random.Random, median: int) -> str:
    n = max(8, min(int(rng.lognormvariate(math.log(median), 0.7)), 6000))
    start = rng.randrange(len(_WORDS))
    reps = (_WORDS * (2 + n // len(_WORDS)))[start : start + n]
    return reps.strip() or "ok"


def build_session(plan: Plan, cwd: str, primary: str) -> Session:
    """Every line of one transcript, rendered for both versions."""
    rng = random.Random(plan.seed)  # noqa: S311
    v9, v5 = T.v9_templates(), T.v5_templates()
    lines: list[Line] = []
    model = primary
    provider = "anthropic"
    parent9: str | None = None
    parent5: str | None = None

    def entry(
        ts: int, kind: str, values: dict[str, Any], call: tuple[int, int, int, int, float] | None = None
    ) -> None:
        nonlocal parent9, parent5
        id9 = _uuid(rng)
        id5 = id9[:8]
        t9, t5 = getattr(v9, kind), getattr(v5, kind)
        common = {"ts": _iso(ts), **values}
        text9 = t9.render({**common, "id": id9, "parent": parent9, **values.get("_v9", {})}) if t9 else ""
        text5 = t5.render({**common, "id": id5, "parent": parent5, **values.get("_v5", {})}) if t5 else ""
        lines.append(Line(ts, text9, text5, call))
        if t9:
            parent9 = id9
        if t5:
            parent5 = id5

    start = plan.start_ms
    header = {"sid": plan.sid, "ts": _iso(start), "cwd": cwd}
    lines.append(Line(start, v9.header.render(header), v5.header.render(header)))
    entry(start + 1, "model_change", {"provider": provider, "model": model})
    entry(start + 60, "thinking", {})
    entry(start + 75, "snapshot", {"data_ts": start + 75, "provider": provider, "model": model})

    call_no = 0
    last = start + 100
    turn_no = 0
    for lo, hi, n in plan.slots:
        turns: list[int] = []
        left = n
        while left > 0:
            size = 2 if left >= 2 and rng.random() < 0.18 else 1
            turns.append(size)
            left -= size
            if rng.random() < 0.008:
                turns.append(0)  # a provider error: an assistant line with zero usage
        times = sorted(rng.randrange(lo, max(hi, lo + 1)) for _ in turns)
        for size, t in zip(turns, times, strict=True):
            t = max(t, last + 200)
            run = _uuid(rng)
            if rng.random() < 0.06:
                model = rng.choice(MODELS)
                entry(t - 150, "snapshot", {"data_ts": t - 150, "provider": provider, "model": model})
            user_text = _text(rng, 90)
            received = t - rng.randrange(50, 3000)
            envelope = datetime.fromtimestamp(t / 1000, tz=UTC).strftime("[%a %Y-%m-%d %H:%M UTC] ")
            entry(
                t,
                "user",
                {
                    "msg_ts": received,
                    "idem": f"{run}:user",
                    "_v9": {"text": user_text},
                    "_v5": {"text": envelope + user_text},
                },
            )
            at = t
            if size == 0:
                at += rng.randrange(100, 900)
                entry(
                    at,
                    "error",
                    {
                        "provider": provider,
                        "model": model,
                        "msg_ts": at - 70,
                        "idem": f"{run}:terminal-error",
                        "run": run,
                    },
                )
                last = at
                continue
            for c in range(size):
                call_no += 1
                turn_no += 1
                at += rng.randrange(1500, 25_000) if c == 0 else rng.randrange(1000, 20_000)
                usage = _usage(rng, model, turn_no)
                response = f"msg_01{plan.agent_no:03d}{plan.index:06d}{call_no:05d}{rng.getrandbits(36):09x}"
                values = _usage_values(usage, model, provider, response, at, run) | {"text": _text(rng, 280)}
                if c == 0 and size == 2:
                    tool = f"toolu_01{rng.getrandbits(88):022x}"
                    entry(
                        at,
                        "assistant_tool",
                        values | {"tool_id": tool, "tool_path": rng.choice(TOOL_PATHS)},
                        usage,
                    )
                    at += rng.randrange(20, 900)
                    content = _text(rng, 700)
                    entry(
                        at,
                        "tool_result",
                        {"tool_id": tool, "text": content, "details": content, "msg_ts": at - 1, "run": run},
                    )
                    if v9.cache_ttl is not None:
                        at += 4
                        key = f"tool:{tool}:{at - 5}"
                        digest = hashlib.sha256(key.encode()).digest()
                        entry(
                            at,
                            "cache_ttl",
                            {"key": key, "hash": base64.b64encode(digest).decode().rstrip("=")},
                        )
                else:
                    entry(at, "assistant", values, usage)
            last = at
    run_id = _uuid(rng)
    session = Session(plan, model, lines, [], [], run_id, cwd)
    _trajectory(session)
    return session


def _usage(rng: random.Random, model: str, turn: int) -> tuple[int, int, int, int, float]:
    inp = max(1, int(rng.lognormvariate(math.log(1400), 0.6)))
    out = max(1, int(rng.lognormvariate(math.log(280), 0.9)))
    read = min(int(6000 + turn % 40 * 1400 * rng.uniform(0.5, 1.5)), 190_000) if rng.random() < 0.9 else 0
    write = max(0, int(rng.lognormvariate(math.log(2500), 0.7)))
    p = PRICES[model]
    cost = inp * p[0] / 1e6 + out * p[1] / 1e6 + read * p[2] / 1e6 + write * p[3] / 1e6
    return inp, out, read, write, cost


def _usage_values(
    usage: tuple[int, int, int, int, float], model: str, provider: str, response: str, at: int, run: str
) -> dict[str, Any]:
    inp, out, read, write, _ = usage
    p = PRICES[model]
    ci, co, cr, cw = inp * p[0] / 1e6, out * p[1] / 1e6, read * p[2] / 1e6, write * p[3] / 1e6
    return {
        "provider": provider,
        "model": model,
        "input": inp,
        "output": out,
        "cache_read": read,
        "cache_write": write,
        "total_tokens": inp + out + read + write,
        "cost_input": ci,
        "cost_output": co,
        "cost_cache_read": cr,
        "cost_cache_write": cw,
        "cost_total": usage[4],
        "prompt_tokens": inp + read + write,
        "context_total": inp + out + read + write,
        "msg_ts": at - 30,
        "response_id": response,
        "response_model": model,
        "run": run,
    }


def _trajectory(session: Session) -> None:
    """session.started, model.completed for the first calls, session.ended: the usage repeated."""
    plan = session.plan
    key = f"{plan.key}:run:{plan.sid}" if plan.kind == "cron" else plan.key
    calls = [line for line in session.lines if line.call is not None][:2]
    base = {
        "trace": plan.sid,
        "sid": plan.sid,
        "key": key,
        "run": session.run_id,
        "cwd": session.cwd,
        "model": session.model,
    }
    events: list[tuple[int, str, dict[str, Any]]] = [(plan.start_ms + 70, "session.started", {})]
    for line in calls:
        assert line.call is not None
        i, o, r, w, cost = line.call
        usage = {"input": i, "output": o, "cacheRead": r, "cacheWrite": w, "total": i + o + r + w}
        values: dict[str, Any] = {f"u_{k}": v for k, v in usage.items()} | {
            f"l_{k}": v for k, v in usage.items()
        }
        values |= {
            "s_input": i,
            "s_output": o,
            "s_cacheRead": r,
            "s_cacheWrite": w,
            "s_totalTokens": i + o + r + w,
        }
        values |= {"s_cost": cost, "s_response": json.loads(line.v5)["message"]["responseId"]}
        events.append((line.ts + 7, "model.completed", values))
    events.append((session.last_ts + 1, "session.ended", {}))
    for seq, (ts, kind, values) in enumerate(events, 1):
        v = base | values | {"ts": _iso(ts), "seq": seq, "source_seq": seq}
        session.trajectory_v9.append((ts, T.v9_templates().trajectory[kind].render(v)))
        session.trajectory_v5.append(T.v5_templates().trajectory[kind].render(v))


def restrict(session: Session, day: date) -> Session | None:
    """The session as it would be with only `day`'s lines (its header kept); None when it has none."""
    lo = _day_ms(day)
    kept = [line for line in session.lines[1:] if lo <= line.ts < lo + DAY]
    if not kept:
        return None
    out = replace(session, lines=[session.lines[0], *kept], trajectory_v9=[], trajectory_v5=[])
    _trajectory(out)
    return out


# --- writers --------------------------------------------------------------------------------------------


class JsonlWriter:
    """The 2026.5.28 file layout of one state dir."""

    def __init__(self, state: Path, agents: list[str], workspace: Path) -> None:
        self.state = state
        self.current: dict[tuple[str, str], Session] = {}
        self.cron_runs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.jobs: dict[str, tuple[str, str]] = {}
        self.files = 0
        self.bytes = 0
        self.counted: list[str] = []
        for agent in agents:
            (state / "agents" / agent / "sessions").mkdir(parents=True, exist_ok=True)
        self.cwd = {
            agent: str(workspace if i == 0 else state / f"workspace-{agent}")
            for i, agent in enumerate(agents)
        }

    def write(self, session: Session) -> None:
        plan = session.plan
        folder = self.state / "agents" / plan.agent / "sessions"
        if plan.deleted_at is not None:
            name, mtime = f"{plan.sid}.jsonl.deleted.{_iso_dashes(plan.deleted_at)}", session.last_ts
        elif plan.reset_at is not None:
            name, mtime = f"{plan.sid}.jsonl.reset.{_iso_dashes(plan.reset_at)}", session.last_ts
        else:
            name, mtime = f"{plan.sid}.jsonl", session.last_ts
        data = ("\n".join(line.v5 for line in session.lines if line.v5) + "\n").encode()
        _write(folder / name, data, mtime)
        self.counted.append(str((folder / name).relative_to(self.state)))
        self.files += 1
        self.bytes += len(data)
        if plan.deleted_at is None:
            trajectory = ("\n".join(session.trajectory_v5) + "\n").encode()
            _write(folder / f"{plan.sid}.trajectory.jsonl", trajectory, session.last_ts + 1)
            pointer = {
                "traceSchema": "openclaw-trajectory-pointer",
                "schemaVersion": 1,
                "sessionId": plan.sid,
                "runtimeFile": str(folder / f"{plan.sid}.trajectory.jsonl"),
            }
            _write(
                folder / f"{plan.sid}.trajectory-path.json",
                json.dumps(pointer, indent=2).encode(),
                plan.start_ms + 70,
            )
            self.files += 2
            self.current[(plan.agent, plan.key)] = session
        if plan.kind == "cron" and plan.job:
            self.jobs[plan.job] = (plan.agent, "Ops sweep" if plan.slots[0][2] == 1 else "Daily digest")
            self.cron_runs[plan.job].append(self._run_line(session))

    def _run_line(self, session: Session) -> dict[str, Any]:
        plan = session.plan
        line: dict[str, Any] = json.loads(T.v5_cron_run_line())
        calls = [c.call for c in session.lines if c.call]
        inp = sum(c[0] for c in calls)
        out = sum(c[1] for c in calls)
        total = sum(c[0] + c[1] + c[2] + c[3] for c in calls)
        started = plan.start_ms
        line.update(
            ts=session.last_ts + 60,
            jobId=plan.job,
            sessionId=plan.sid,
            sessionKey=f"{plan.key}:run:{plan.sid}",
            runId=f"cron:{plan.job}:{started}:1",
            runAtMs=started,
            durationMs=session.last_ts + 60 - started,
            nextRunAtMs=started + 6 * HOUR,
            model=session.model,
            summary=_text(random.Random(plan.seed), 120)[:120],  # noqa: S311
            usage={"input_tokens": inp, "output_tokens": out, "total_tokens": total},
        )
        return line

    def finish(self, agents: list[str], config_agents: list[dict[str, Any]]) -> None:
        entry = T.v5_session_entry()
        stores: dict[str, dict[str, Any]] = defaultdict(dict)
        for (agent, key), session in sorted(self.current.items(), key=lambda kv: kv[1].plan.start_ms):
            plan = session.plan
            e = dict(entry)
            e.update(
                sessionId=plan.sid,
                updatedAt=session.last_ts + 20,
                sessionStartedAt=plan.start_ms,
                lastInteractionAt=session.last_ts,
                model=session.model,
                sessionFile=str(self.state / "agents" / agent / "sessions" / f"{plan.sid}.jsonl"),
            )
            stores[agent][key] = e
        for agent in agents:
            path = self.state / "agents" / agent / "sessions" / "sessions.json"
            path.write_text(json.dumps(stores.get(agent, {}), indent=2, ensure_ascii=False), encoding="utf-8")
        runs = self.state / "cron" / "runs"
        runs.mkdir(parents=True, exist_ok=True)
        job_list = []
        real_jobs = json.loads((T.V5 / "cron" / "jobs.json").read_text(encoding="utf-8"))
        template = real_jobs["jobs"][0]
        for job, (agent, name) in sorted(self.jobs.items()):
            lines = sorted(self.cron_runs[job], key=lambda r: r["ts"])
            (runs / f"{job}.jsonl").write_text("".join(T.dumps(r) + "\n" for r in lines), encoding="utf-8")
            j = json.loads(json.dumps(template))
            j.update(id=job, agentId=agent, name=name, createdAtMs=lines[0]["runAtMs"] - HOUR)
            j["schedule"] = (
                {"kind": "every", "everyMs": 6 * HOUR, "anchorMs": j["createdAtMs"]}
                if name == "Ops sweep"
                else {"kind": "cron", "expr": "30 7 * * *", "tz": "UTC"}
            )
            job_list.append(j)
        (self.state / "cron" / "jobs.json").write_text(
            json.dumps({"version": real_jobs.get("version", 1), "jobs": job_list}, indent=2), encoding="utf-8"
        )
        config = T.config("2026.5.28")
        config["agents"]["list"] = config_agents
        (self.state / "openclaw.json").write_text(
            json.dumps(config, indent=2, ensure_ascii=False), encoding="utf-8"
        )


class SqliteWriter:
    """The 2026.9.6 SQLite layout of one state dir, one agent database at a time."""

    def __init__(self, state: Path, scale: Scale, workspace: Path, agents: list[str]) -> None:
        self.state = state
        self.scale = scale
        self.rng = random.Random(scale.seed + 17)  # noqa: S311
        self.zstd = zstandard.ZstdCompressor(level=3)
        self.template = state / ".bench-agent-template.sqlite"
        state.mkdir(parents=True, exist_ok=True)
        T.create_agent_database(self.template, "template")
        self.cwd = {
            agent: str(workspace if i == 0 else state / f"workspace-{agent}")
            for i, agent in enumerate(agents)
        }
        self.rows = 0
        self.bytes = 0
        self.zstd_rows = 0
        self.archives = 0

    def open(self, agent: str) -> None:
        path = self.state / "agents" / agent / "agent" / "openclaw-agent.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        (self.state / "agents" / agent / "sessions").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.template, path)
        self.conn = T.writer_connection(path)
        self.conn.execute("UPDATE schema_meta SET agent_id = ?", (agent,))
        self.conn.execute("PRAGMA journal_mode = OFF")
        self.conn.execute("PRAGMA synchronous = OFF")
        self.conn.execute("BEGIN")
        self.agent = agent
        self.heap: list[tuple[int, int, tuple[Any, ...]]] = []
        self.pushed = 0
        self.current: dict[str, Session] = {}
        self.batch: list[tuple[Any, ...]] = []

    def write(self, session: Session) -> None:
        plan = session.plan
        # Rows reach the table in time order across sessions, as a live Gateway appends them.
        self._flush_before(plan.start_ms)
        if plan.deleted_at is not None:
            self._archive(session)
            return
        for seq, line in enumerate(session.lines):
            self.pushed += 1
            heapq.heappush(self.heap, (line.ts, self.pushed, (plan.sid, seq, line.v9, line.ts)))
        _node, window = T.v9_store_rows()
        w = dict(window)
        w.update(
            session_id=plan.sid,
            session_key=plan.key,
            created_at=plan.start_ms - self.rng.randrange(100, 2000),
            updated_at=session.last_ts + 25,
            transcript_updated_at=session.last_ts + 3,
            transcript_observed_at=session.last_ts + 3,
            started_at=session.lines[-1].ts - 500,
            ended_at=session.last_ts + 20,
            status="done",
            model_provider="anthropic",
            model=session.model,
            display_name=plan.label if plan.kind == "topic" else None,
        )
        if plan.kind == "cron":
            w["display_name"] = "Automation: " + ("Ops sweep" if plan.slots[0][2] == 1 else "Daily digest")
        self._insert("session_windows", w)
        self.current[plan.key] = session
        for seq, (ts, event) in enumerate(session.trajectory_v9):
            self.conn.execute(
                "INSERT INTO trajectory_runtime_events (session_id, seq, run_id, event_json, created_at)"
                " VALUES (?,?,?,?,?)",
                (plan.sid, seq, session.run_id, event, ts),
            )

    def _archive(self, session: Session) -> None:
        plan = session.plan
        assert plan.deleted_at is not None
        raw = ("\n".join(line.v9 for line in session.lines) + "\n").encode()
        blob = self.zstd.compress(raw)
        generation = uuid.UUID(int=self.rng.getrandbits(128)).hex
        name = f"{plan.sid}.jsonl.deleted.{_iso_dashes(plan.deleted_at)}.{generation}.zst"
        self._insert(
            "session_transcript_archives",
            {
                "session_id": plan.sid,
                "generation": generation,
                "session_key": plan.key,
                "reason": "deleted",
                "encoding": "zstd",
                "archive_blob": blob,
                "archive_sha256": hashlib.sha256(raw).hexdigest(),
                "archive_name": name,
                "created_at": plan.deleted_at,
                "published_at": plan.deleted_at + 44,
                "publish_attempts": 1,
            },
        )
        _write(self.state / "agents" / plan.agent / "sessions" / name, blob, plan.deleted_at + 44)
        self.archives += 1

    def _flush_before(self, ts: int | None) -> None:
        heap = self.heap
        while heap and (ts is None or heap[0][0] < ts):
            _, _, (sid, seq, text, created) = heapq.heappop(heap)
            data = text.encode()
            self.bytes += len(data)
            if self.scale.zstd_share and len(data) >= 1024 and self.rng.random() < self.scale.zstd_share:
                nav = {
                    "version": 1,
                    "report": {"kind": "canonical"},
                    "navigation": {},
                    "reset": {},
                    "model": {},
                    "modelBytes": len(data),
                    "modelWithoutCheckpointBytes": len(data),
                    "withoutCustomDataBytes": len(data),
                }
                self.batch.append(
                    (sid, seq, None, created, self.zstd.compress(data), len(data), json.dumps(nav))
                )
                self.zstd_rows += 1
            else:
                self.batch.append((sid, seq, text, created, None, len(data), None))
            if len(self.batch) >= 20_000:
                self._insert_batch()
        if ts is None:
            self._insert_batch()

    def _insert_batch(self) -> None:
        self.conn.executemany(
            "INSERT INTO transcript_events (session_id, seq, event_json, created_at, event_zstd,"
            " event_utf8_bytes, navigation_json) VALUES (?,?,?,?,?,?,?)",
            self.batch,
        )
        self.rows += len(self.batch)
        self.batch = []

    def _insert(self, table: str, values: dict[str, Any]) -> None:
        cols = ", ".join(values)
        self.conn.execute(
            f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(values))})", list(values.values())
        )

    def close(self) -> None:
        self._flush_before(None)
        node, _window = T.v9_store_rows()
        entry_template = json.loads(node["entry_json"])
        for key, session in sorted(self.current.items()):
            plan = session.plan
            entry = dict(entry_template)
            entry.update(
                sessionId=plan.sid,
                updatedAt=session.last_ts + 25,
                sessionStartedAt=plan.start_ms,
                lastInteractionAt=session.last_ts,
                model=session.model,
                createdAt=plan.start_ms,
                displayName=plan.label or key.split(":")[-1],
            )
            n = dict(node)
            n.update(
                session_key=key,
                current_session_id=plan.sid,
                entry_json=T.dumps(entry),
                updated_at=session.last_ts + 25,
                created_at=plan.start_ms,
                status="done",
                created_via="cron" if plan.kind == "cron" else "run",
                display_name=entry["displayName"],
                label=None,
                last_interaction_at=session.last_ts,
                last_activity_at=session.last_ts,
            )
            self._insert("session_nodes", n)
        self.conn.execute("COMMIT")
        self.conn.execute("PRAGMA journal_mode = DELETE")
        self.conn.close()

    def finish(self, config_agents: list[dict[str, Any]]) -> None:
        self.template.unlink(missing_ok=True)
        config = T.config("2026.9.6")
        entries = {}
        for agent in config_agents:
            a = dict(agent)
            entries[a.pop("id")] = {k: v for k, v in a.items() if k != "default"}
        config["agents"]["entries"] = entries
        (self.state / "openclaw.json").write_text(
            json.dumps(config, indent=2, ensure_ascii=False), encoding="utf-8"
        )


def _write(path: Path, data: bytes, mtime_ms: int) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
    ns = mtime_ms * 1_000_000
    os.utime(path, ns=(ns, ns))


def _config_agents(state: Path, agents: list[str], workspace: Path) -> list[dict[str, Any]]:
    real = T.config("2026.5.28")["agents"]["list"]
    out = []
    for i, agent in enumerate(agents):
        a = json.loads(json.dumps(real[i % len(real)]))
        a["id"] = agent
        a["name"] = agent.capitalize()
        a["workspace"] = str(workspace if i == 0 else state / f"workspace-{agent}")
        a["model"] = f"anthropic/{MODELS[i % 3]}"
        a.pop("default", None)
        if i == 0:
            a["default"] = True
        out.append(a)
    return out


def _small_workspaces(state: Path, agents: list[str]) -> None:
    """The other agents' workspaces: the real sample workspace, copied."""
    for agent in agents[1:]:
        target = state / f"workspace-{agent}"
        if not target.exists():
            shutil.copytree(T.V5 / "workspace-main", target)
            for folder, dirs, files in os.walk(target):
                for name in [*dirs, *files]:
                    os.chmod(os.path.join(folder, name), 0o755 if name in dirs else 0o644)
            os.chmod(target, 0o755)  # noqa: S103 (a workspace folder, as the sample's)


# --- the whole thing ------------------------------------------------------------------------------------


@dataclass
class Manifest:
    scale: dict[str, Any]
    first_day: str
    last_day: str
    only_day: str | None
    agents: list[str]
    totals: dict[str, dict[str, list[float]]]  # every call (what a correct reader returns)
    totals_in_events: dict[str, dict[str, list[float]]]  # only calls in transcript_events (sqlite3's view)
    stats: dict[str, Any]

    def save(self, root: Path) -> None:
        (root / "manifest.json").write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")

    @classmethod
    def load(cls, root: Path) -> Manifest:
        return cls(**json.loads((root / "manifest.json").read_text(encoding="utf-8")))


def scale_key(scale: Scale) -> dict[str, Any]:
    """What a manifest records of its scale (and the generator's version): equal means same data."""
    key = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(scale).items()}
    key["generator"] = GENERATOR_VERSION
    return key


def iter_plans(scale: Scale) -> Iterator[list[Plan]]:
    counts = budgets(scale)
    for a in range(scale.agents):
        yield plan_agent(scale, a, counts[a])


def generate(
    root: Path, scale: Scale, *, only_day: date | None = None, workspace: Path | None = None
) -> Manifest:
    """Write `root/sqlite/state`, `root/jsonl/state` (and the workspace unless given); return the manifest."""
    started = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    agents = agent_ids(scale.agents)
    ws = workspace or root / "workspace"
    ws_stats: dict[str, Any] = {}
    if workspace is None:
        ws_stats = generate_workspace(ws, scale.files, scale)
    sqlite_state, jsonl_state = root / "sqlite" / "state", root / "jsonl" / "state"
    for state in (sqlite_state, jsonl_state):
        if state.exists():
            shutil.rmtree(state)
    sw = SqliteWriter(sqlite_state, scale, ws, agents)
    jw = JsonlWriter(jsonl_state, agents, ws)
    totals, in_events = Totals(), Totals()
    sessions = deleted = lines = 0
    day_lo = _day_ms(only_day) if only_day else None
    for plans in iter_plans(scale):
        agent = plans[0].agent if plans else None
        if agent is None:
            continue
        sw.open(agent)
        primary = MODELS[agents.index(agent) % 3]
        for plan in plans:
            if day_lo is not None and (plan.end_ms < day_lo - DAY or plan.start_ms >= day_lo + DAY):
                continue
            session: Session | None = build_session(plan, sw.cwd[agent], primary)
            if only_day is not None:
                session = restrict(session, only_day) if session else None
                if session is None:
                    continue
            assert session is not None
            sessions += 1
            deleted += plan.deleted_at is not None
            lines += len(session.lines)
            for line in session.lines:
                if line.call is not None:
                    day = datetime.fromtimestamp(line.ts / 1000, tz=UTC).date().isoformat()
                    totals.add(agent, day, line.call)
                    if plan.deleted_at is None:
                        in_events.add(agent, day, line.call)
            sw.write(session)
            jw.write(session)
        sw.close()
    config_agents = _config_agents(jsonl_state, agents, ws)
    jw.finish(agents, config_agents)
    sw.finish(_config_agents(sqlite_state, agents, ws))
    _small_workspaces(sqlite_state, agents)
    _small_workspaces(jsonl_state, agents)
    scale_json = scale_key(scale)
    manifest = Manifest(
        scale=scale_json,
        first_day=scale.first_day.isoformat(),
        last_day=scale.last_day.isoformat(),
        only_day=only_day.isoformat() if only_day else None,
        agents=agents,
        totals=totals.as_json(),
        totals_in_events=in_events.as_json(),
        stats={
            "sessions": sessions,
            "deleted_sessions": deleted,
            "transcript_lines": lines,
            "sqlite_rows": sw.rows,
            "sqlite_row_bytes": sw.bytes,
            "sqlite_zstd_rows": sw.zstd_rows,
            "sqlite_archives": sw.archives,
            "jsonl_files": jw.files,
            "jsonl_transcript_files": len(jw.counted),
            "jsonl_transcript_bytes": jw.bytes,
            "workspace": ws_stats,
            "workspace_path": str(ws),
            "generate_seconds": round(time.perf_counter() - started, 1),
        },
    )
    manifest.save(root)
    return manifest


def generate_workspace(root: Path, files: int, scale: Scale) -> dict[str, Any]:
    """`files` regular files within 3 levels (what the scan indexes) plus deeper ones it must not.

    Shaped like an agent workspace: the bootstrap files at the top, `memory/<day>.md` notes, and
    `projects/<project>/<file>` (level 3), with unicode and spaces in some names; `projects/<p>/src/`
    holds level-4 files that neither the scan nor `find -maxdepth 3` lists.
    """
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(scale.seed + 99)  # noqa: S311
    root.mkdir(parents=True)
    end_s = _day_ms(scale.last_day) / 1000 + 86_000
    span_s = scale.days * 86_400
    made = 0
    total_bytes = 0
    payload = (_WORDS * 40).encode()

    def put(path: Path, *, counted: bool = True) -> None:
        nonlocal made, total_bytes
        size = min(int(rng.lognormvariate(math.log(1200), 1.1)), len(payload))
        with open(path, "wb") as handle:
            handle.write(payload[:size])
        t = end_s - rng.random() * span_s
        os.utime(path, (t, t))
        if counted:
            made += 1
            total_bytes += size

    top = [
        "AGENTS.md",
        "SOUL.md",
        "MEMORY.md",
        "IDENTITY.md",
        "USER.md",
        "TOOLS.md",
        "HEARTBEAT.md",
        "meeting notes.md",
        "résumé-日本語.md",
    ]
    for name in top[: max(0, min(len(top), files))]:
        put(root / name)
    memory = root / "memory"
    memory.mkdir()
    for k in range(min(scale.days, max(files - made, 0) // 4)):
        put(memory / f"{(scale.first_day + timedelta(days=k)).isoformat()}.md")
    projects = root / "projects"
    projects.mkdir()
    per_project = 200
    p = 0
    deep = 0
    while made < files:
        folder = projects / (f"client-{p:04d}" if p % 7 else f"Projekt {p:04d} – Ü")
        folder.mkdir()
        for i in range(min(per_project, files - made)):
            ext = (".md", ".csv", ".json", ".txt", ".pdf")[i % 5]
            put(folder / (f"note-{i:04d}{ext}" if i % 50 else f"résumé {i:04d}{ext}"))
        if p % 10 == 0:  # deeper than the index goes
            src = folder / "src"
            src.mkdir()
            for i in range(40):
                put(src / f"module_{i:03d}.py", counted=False)
                deep += 1
        p += 1
    return {"files": made, "bytes": total_bytes, "deeper_files": deep, "projects": p}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
    scale = SCALES[args.scale]
    scale = replace(
        scale,
        **{
            k: v
            for k in ("agents", "days", "calls", "files", "end", "zstd_share")
            if (v := getattr(args, k)) is not None
        },
    )
    manifest = generate(args.out, scale, only_day=args.only_day)
    print(json.dumps(manifest.stats, indent=1))


if __name__ == "__main__":
    main()
