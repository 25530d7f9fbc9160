"""ccusage's own reader (`pi daily`) over the JSONL layout, timed as an external command and compared.

ccusage is not a like-for-like yardstick: it leaves the `.reset.`/`.deleted.` archives out and reports
tokens and cost per day only. So its totals are checked twice, as notes, never as a failed run: against
every call (the generator's totals), and against the live transcripts alone (an untimed DuckDB pass over
the same `<uuid>.jsonl` files), which is what explains a difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.generate import Manifest
from benchmarks.harness import Harness, spread
from benchmarks.measure.ccusage_cli import (
    ALL_AGENTS,
    CCUSAGE_CLI,
    ccusage_command,
    files_read,
    installed_version,
    parse_daily,
    per_day,
    share,
)
from benchmarks.measure.runner import ChildFailed, Outcome, run_child, run_command
from benchmarks.measure.totals import TotalsJson, compare
from benchmarks.progress import progress
from benchmarks.report.figures import best, describe_bytes
from benchmarks.report.table import Row


@dataclass
class CcusageRuns:
    """Repeated timed runs, one under GNU time for the peak RSS, and what its totals matched."""

    runs: list[Outcome] = field(default_factory=list)
    rss: int = 0
    live_calls: int = 0  # calls in the live transcripts: the rows ccusage can see
    notes: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        """ccusage's best time, process start to exit."""
        return best([o.seconds for o in self.runs])


def measure(h: Harness, full: Path, m: Manifest) -> CcusageRuns:
    """ccusage `h.repeats` times over every agent's sessions, once more for its RSS; then the checks."""
    if not CCUSAGE_CLI.exists():
        return CcusageRuns(notes=[f"ccusage not measured: {CCUSAGE_CLI} is missing (`make ccusage-cli`)."])
    progress("reference: ccusage pi daily")
    state = full / "jsonl" / "state"
    cmd = ccusage_command(state, m.agents)
    try:
        runs = h.repeat(lambda: run_command("ccusage", cmd, log=h.log, keep=True), h.repeats)
        rss = run_command("ccusage", cmd, log=h.log, rss=True).max_rss
    except ChildFailed as failed:
        return CcusageRuns(notes=[f"ccusage not measured: {failed}"])
    live = run_child("duckdb_reference", {"state": str(state), "archives": False}, log=h.log).data["totals"]
    live_calls = int(sum(r[0] for days in live.values() for r in days.values()))
    notes = _check(parse_daily(runs[0].data["stdout"]), per_day(m.totals), per_day(live))
    count, size = files_read(state, m.agents)
    notes.append(
        f"ccusage reads {count:,} files ({describe_bytes(size)}: live transcripts and trajectory sidecars);"
        f" the transcripts with their archives are {describe_bytes(m.stats['jsonl_transcript_bytes'])},"
        " all read by DuckDB and the pipeline. Its time is process start to exit (Node's start included)."
    )
    shown = " ".join([CCUSAGE_CLI.name, *cmd[1:]]).replace(str(state), "jsonl/state")
    notes.append(f"ccusage runs (s): {spread(runs)} (min–max of {len(runs)}); command: `{shown}`.")
    return CcusageRuns(runs, rss, live_calls, notes)


def _check(got: TotalsJson, every_call: TotalsJson, live: TotalsJson) -> list[str]:
    """What ccusage's per-day totals match: every call, or the live transcripts only."""
    days = len(every_call.get(ALL_AGENTS, {}))
    bad_all = compare(got, every_call)
    bad_live = compare(got, live)
    tokens, cost = share(got, every_call, (1, 2, 3, 4)), share(got, every_call, (5,))
    lines = [
        f"ccusage {installed_version()}, `pi daily`, per day over all agents (its report has no agent and"
        " no call count), four token counts and recorded cost: "
        + (
            "equal to every call's totals on every day."
            if not bad_all
            else f"{len(bad_all)} of {days} days differ from every call's totals; it counts"
            f" {tokens:.1%} of the tokens and {cost:.1%} of the recorded cost."
        )
    ]
    if bad_all:
        lines.append(
            "It reads only files whose names end in `.jsonl`, so the `.reset.` and `.deleted.` archives"
            " are left out (its trajectory sidecars hold no `message` lines and add nothing). Against the"
            " live `<uuid>.jsonl` transcripts alone (an untimed DuckDB pass over the same files): "
            + (
                "equal on every day, tokens and cost: the archives are the whole difference."
                if not bad_live
                else f"{len(bad_live)} days differ too, e.g. {bad_live[:2]}."
            )
        )
    return lines


def describe(runs: CcusageRuns, jsonl_backfill_seconds: float, days: int) -> list[Row]:
    """ccusage's own row, and the JSONL backfill against it (no target: ccusage reads less)."""
    if not runs.runs:
        return []
    secs = runs.seconds
    return [
        Row(
            f"ccusage pi daily, same JSONL, live transcripts only ({runs.live_calls:,} calls), per day",
            secs,
            rows_per_s=runs.live_calls / secs,
            rss=runs.rss,
        ),
        Row(
            f"JSONL: usage_job backfill, {days} days in one run, vs ccusage",
            jsonl_backfill_seconds,
            reference="ccusage pi daily",
            ratio=jsonl_backfill_seconds / secs,
        ),
    ]
