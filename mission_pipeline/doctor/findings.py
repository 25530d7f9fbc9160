"""What the doctor reports: findings, their status, and the screen they make."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Status = Literal["ok", "warn", "fail"]
_MARK: dict[Status, str] = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}


@dataclass(frozen=True)
class Finding:
    """One line of the report (plus indented detail lines) and how it stands."""

    topic: str
    status: Status
    summary: str
    details: tuple[str, ...] = ()


def worst(statuses: Iterable[Status]) -> Status:
    """The worst of `statuses` (ok when there are none)."""
    found = set(statuses)
    return "fail" if "fail" in found else "warn" if "warn" in found else "ok"


def ago(seconds: float) -> str:
    """A time in the past as an operator reads it: "40 s ago", "3 h ago"."""
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{seconds:.0f} s ago"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.0f} h ago"
    return f"{seconds / 86400:.0f} days ago"


def count(n: int, noun: str) -> str:
    """ "3 agent databases", "1 agent database", or "" for none."""
    return "" if not n else f"1 {noun}" if n == 1 else f"{n} {noun}s"


def first_line(text: str, limit: int = 200) -> str:
    """The first non-blank line of `text`, cut to `limit` characters."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = lines[0] if lines else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def render(findings: Sequence[Finding], hide: Callable[[str], str] = lambda text: text) -> str:
    """The report: one line per finding, details indented under it, and a verdict."""
    width = max((len(f.topic) for f in findings), default=8)
    out = ["mission-pipeline doctor"]
    for finding in findings:
        out.append(f"  {_MARK[finding.status]}  {finding.topic:<{width}}  {finding.summary}")
        out += [f"  {'':4}  {'':<{width}}    {line}" for line in finding.details]
    counts = Counter(f.status for f in findings)
    verdict = "something is wrong" if counts["fail"] else "all good" if not counts["warn"] else "working"
    out.append(f"{verdict}: {counts['ok']} ok, {counts['warn']} warnings, {counts['fail']} failures")
    return hide("\n".join(out))
