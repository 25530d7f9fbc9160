"""Every line of one transcript, rendered for both OpenClaw versions from one seeded RNG.

A session opens with its header, model change, thinking level and model snapshot; then turns: a user
line and one call, or two calls around a tool round trip (2026.9.6 adds a cache-ttl line after the tool
result), now and then a provider error (an assistant line with zero usage: not a call) or a switch of
model (a new snapshot). Both versions' lines come from the same draws, so they hold the same calls.
"""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from benchmarks.generate.filler import random_text, random_uuid
from benchmarks.generate.plan import Plan
from benchmarks.generate.times import DAY, day_ms, iso
from benchmarks.generate.trajectory import add_trajectory
from benchmarks.generate.transcript import Call, Line, Session
from benchmarks.generate.usage import draw_usage, usage_values
from benchmarks.generate.vocabulary import MODELS, TOOL_PATHS
from benchmarks.templates.v5_transcripts import v5_templates
from benchmarks.templates.v9_transcripts import v9_templates

PROVIDER = "anthropic"


def build_session(plan: Plan, cwd: str, primary: str) -> Session:
    """Every line of one transcript, rendered for both versions."""
    rng = random.Random(plan.seed)  # noqa: S311
    out = _Transcript(plan, rng, primary)
    out.opening(cwd)
    for lo, hi, n in plan.slots:
        sizes = _turn_sizes(rng, n)
        times = sorted(rng.randrange(lo, max(hi, lo + 1)) for _ in sizes)
        for size, t in zip(sizes, times, strict=True):
            out.turn(max(t, out.last + 200), size)
    run_id = random_uuid(rng)
    session = Session(plan, out.model, out.lines, [], [], run_id, cwd)
    add_trajectory(session)
    return session


def restrict(session: Session, day: date) -> Session | None:
    """The session as it would be with only `day`'s lines (its header kept); None when it has none."""
    lo = day_ms(day)
    kept = [line for line in session.lines[1:] if lo <= line.ts < lo + DAY]
    if not kept:
        return None
    out = replace(session, lines=[session.lines[0], *kept], trajectory_v9=[], trajectory_v5=[])
    add_trajectory(out)
    return out


def _turn_sizes(rng: random.Random, calls: int) -> list[int]:
    """Calls per turn (1, or 2 around a tool round trip), with now and then a 0: a provider error."""
    sizes: list[int] = []
    left = calls
    while left > 0:
        size = 2 if left >= 2 and rng.random() < 0.18 else 1
        sizes.append(size)
        left -= size
        if rng.random() < 0.008:
            sizes.append(0)  # a provider error: an assistant line with zero usage
    return sizes


class _Transcript:
    """The lines written so far, each chained (`parentId`) to the one before it in its version."""

    def __init__(self, plan: Plan, rng: random.Random, model: str) -> None:
        self.plan = plan
        self.rng = rng
        self.model = model
        self.v9, self.v5 = v9_templates(), v5_templates()
        self.lines: list[Line] = []
        self.parent9: str | None = None
        self.parent5: str | None = None
        self.last = plan.start_ms + 100  # the time of the last turn's last line
        self.calls = 0

    def entry(self, ts: int, kind: str, values: dict[str, Any], call: Call | None = None) -> None:
        """Append one line of template `kind` in both versions (a version without the kind writes none)."""
        id9 = random_uuid(self.rng)
        id5 = id9[:8]
        t9, t5 = getattr(self.v9, kind), getattr(self.v5, kind)
        common = {"ts": iso(ts), **values}
        text9 = (
            t9.render({**common, "id": id9, "parent": self.parent9, **values.get("_v9", {})}) if t9 else ""
        )
        text5 = (
            t5.render({**common, "id": id5, "parent": self.parent5, **values.get("_v5", {})}) if t5 else ""
        )
        self.lines.append(Line(ts, text9, text5, call))
        if t9:
            self.parent9 = id9
        if t5:
            self.parent5 = id5

    def opening(self, cwd: str) -> None:
        """The header, model change, thinking level and model snapshot every session starts with."""
        start = self.plan.start_ms
        header = {"sid": self.plan.sid, "ts": iso(start), "cwd": cwd}
        self.lines.append(Line(start, self.v9.header.render(header), self.v5.header.render(header)))
        self.entry(start + 1, "model_change", {"provider": PROVIDER, "model": self.model})
        self.entry(start + 60, "thinking", {})
        self.entry(start + 75, "snapshot", {"data_ts": start + 75, "provider": PROVIDER, "model": self.model})

    def turn(self, t: int, size: int) -> None:
        """A user line at `t` answered by `size` calls (0: a provider error)."""
        rng = self.rng
        run = random_uuid(rng)
        if rng.random() < 0.06:
            self.model = rng.choice(MODELS)
            self.entry(t - 150, "snapshot", {"data_ts": t - 150, "provider": PROVIDER, "model": self.model})
        user_text = random_text(rng, 90)
        received = t - rng.randrange(50, 3000)
        # 2026.5.28 put the channel envelope into the user text; 2026.9.6 keeps the text bare.
        envelope = datetime.fromtimestamp(t / 1000, tz=UTC).strftime("[%a %Y-%m-%d %H:%M UTC] ")
        user = {"msg_ts": received, "idem": f"{run}:user", "_v9": {"text": user_text}}
        self.entry(t, "user", user | {"_v5": {"text": envelope + user_text}})
        at = t
        if size == 0:
            at += rng.randrange(100, 900)
            error = {"provider": PROVIDER, "model": self.model, "msg_ts": at - 70}
            self.entry(at, "error", error | {"idem": f"{run}:terminal-error", "run": run})
            self.last = at
            return
        for c in range(size):
            at += rng.randrange(1500, 25_000) if c == 0 else rng.randrange(1000, 20_000)
            at = self._call(at, run, tool_round_trip=c == 0 and size == 2)
        self.last = at

    def _call(self, at: int, run: str, *, tool_round_trip: bool) -> int:
        """One assistant call at `at` (with its tool result after it, if a round trip); its last time."""
        rng = self.rng
        plan = self.plan
        self.calls += 1
        usage = draw_usage(rng, self.model, self.calls)
        response = f"msg_01{plan.agent_no:03d}{plan.index:06d}{self.calls:05d}{rng.getrandbits(36):09x}"
        values = usage_values(usage, self.model, PROVIDER, response, at, run) | {
            "text": random_text(rng, 280)
        }
        if not tool_round_trip:
            self.entry(at, "assistant", values, usage)
            return at
        tool = f"toolu_01{rng.getrandbits(88):022x}"
        self.entry(
            at, "assistant_tool", values | {"tool_id": tool, "tool_path": rng.choice(TOOL_PATHS)}, usage
        )
        at += rng.randrange(20, 900)
        content = random_text(rng, 700)
        self.entry(
            at,
            "tool_result",
            {"tool_id": tool, "text": content, "details": content, "msg_ts": at - 1, "run": run},
        )
        if self.v9.cache_ttl is not None:
            at += 4
            key = f"tool:{tool}:{at - 5}"
            digest = hashlib.sha256(key.encode()).digest()
            self.entry(at, "cache_ttl", {"key": key, "hash": base64.b64encode(digest).decode().rstrip("=")})
        return at
