"""ccusage (npm, `scripts/install-ccusage-cli.sh`) as a reference reader: its command line over a JSONL
state dir, and its `pi daily --json` report as per-day totals comparable with the generator's.

What ccusage 19 reads with `pi daily --pi-path DIRS` (from its code): every file under each folder whose
name ends in `.jsonl`, recursively, so the `<sid>.jsonl.reset.<ts>` and `<sid>.jsonl.deleted.<ts>`
archives are left out and the `<sid>.trajectory.jsonl` sidecars are read (their lines have no `message`,
so they add nothing); every assistant `message` line whose usage has numeric input and output, whatever
its provider or token sum; the recorded `usage.cost.total` as the cost. Its report has no calls and no
agent (its "project" is the path part after `sessions`, here the file name): one row per day.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from benchmarks.measure.totals import TotalsJson

CCUSAGE_CLI = Path(__file__).resolve().parents[2] / ".ccusage-cli" / "bin" / "ccusage"
# The one "agent" of ccusage's per-day totals: every agent's calls added up.
ALL_AGENTS = "all agents"


def installed_version(cli: Path = CCUSAGE_CLI) -> str | None:
    """ccusage's version and the Node it runs on, from the installed packages; None if not installed."""
    modules = cli.resolve().parents[1] / "node_modules"
    try:
        ccusage = json.loads((modules / "ccusage" / "package.json").read_text(encoding="utf-8"))["version"]
        nodes = sorted(modules.glob("node-linux-*/package.json"))
        node = json.loads(nodes[0].read_text(encoding="utf-8"))["version"] if nodes else "system"
    except (OSError, ValueError, KeyError):
        return None
    return f"{ccusage} (Node {node})"


def ccusage_command(state: Path, agents: list[str], cli: Path = CCUSAGE_CLI) -> list[str]:
    """One run over every agent's sessions folder: JSON, days in UTC (as the generator counts them),
    offline (for pi it takes the recorded cost; this keeps any pricing fetch out of the time)."""
    folders = ",".join(str(state / "agents" / agent / "sessions") for agent in agents)
    return [str(cli), "pi", "daily", "--json", "--offline", "--timezone", "UTC", "--pi-path", folders]


def files_read(state: Path, agents: list[str]) -> tuple[int, int]:
    """How many files ccusage reads, and their bytes: those under each agent's sessions folder, at any
    depth, whose names end in `.jsonl` (live transcripts and trajectory sidecars, no archives)."""
    count = size = 0
    for agent in agents:
        for folder, _dirs, names in os.walk(state / "agents" / agent / "sessions"):
            for name in names:
                if name.endswith(".jsonl"):
                    count += 1
                    size += os.path.getsize(os.path.join(folder, name))
    return count, size


def parse_daily(text: str) -> TotalsJson:
    """`pi daily --json` as totals of `ALL_AGENTS` per day; calls 0, as ccusage does not count them."""
    report = json.loads(text)
    days: dict[str, list[float]] = {}
    for row in report["daily"]:
        days[row["date"]] = [
            0,
            int(row["inputTokens"]),
            int(row["outputTokens"]),
            int(row["cacheReadTokens"]),
            int(row["cacheCreationTokens"]),
            round(float(row["totalCost"]), 9),
        ]
    return {ALL_AGENTS: days} if days else {}


def per_day(totals: TotalsJson) -> TotalsJson:
    """Totals added up over agents, per day, with calls 0: what ccusage's report can be checked against."""
    days: dict[str, list[float]] = {}
    for agent_days in totals.values():
        for day, row in agent_days.items():
            cell = days.setdefault(day, [0, 0, 0, 0, 0, 0.0])
            for i in range(1, 6):
                cell[i] += row[i]
    for cell in days.values():
        cell[5] = round(cell[5], 9)
    return {ALL_AGENTS: dict(sorted(days.items()))} if days else {}


def share(got: TotalsJson, expected: TotalsJson, columns: tuple[int, ...]) -> float:
    """The part of `expected`'s grand total of some columns (1-4 tokens, 5 cost) that `got` holds."""
    whole = sum(row[c] for days in expected.values() for row in days.values() for c in columns)
    part = sum(row[c] for days in got.values() for row in days.values() for c in columns)
    return part / whole if whole else 1.0
