"""The host's steady cost as tables: memory per process, and CPU-seconds a day per sensor, schedule,
run and idle process, scaled from one measured event by how often the defaults make it happen."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.measure.host_processes import LayoutFigures
from benchmarks.report.figures import MB

DAY = 86400
# How often each happens a day at the project's defaults: sensors by their minimum interval, schedules by
# their cron, runs by what launches them.
TICKS_PER_DAY = {
    "openclaw_usage_sensor": DAY // 300,
    "budget_sensor": DAY // 60,
    "run_retention_sensor": DAY // 3600,
    "cron_schedule": 24 * 12,
    "workspace_schedule": 24,
    "usage_hourly_schedule": 24,
    "usage_daily_schedule": 1,
}
RUNS_PER_DAY = {
    # cron_schedule launches a run when the cron state changed, and at least hourly: the quiet floor.
    "cron_job": 24,
    "workspace_job": 24,
    "usage_refresh_job": 24,
    "usage_job": 1,
    # One per write of agent_usage: the hourly refreshes and the nightly day.
    "budget_job": 25,
}


@dataclass(frozen=True)
class CostItem:
    """One line of the CPU table: CPU-seconds of one event on each storage layout, events a day."""

    what: str
    per_event: dict[str, float]
    per_day: int
    process_layout: str | None = None  # an idle process belongs to one layout; the rest to every one

    def daily(self, layout: str) -> float:
        """CPU-seconds a day on `layout`."""
        return self.per_event[layout] * self.per_day


def cost_items(
    ticks: Mapping[str, Mapping[str, Any]],
    runs: Mapping[str, Mapping[str, Any]],
    run_start_cpu: float,
    idle: Sequence[LayoutFigures],
) -> list[CostItem]:
    """Every item of the day's CPU: ticks (steady), runs, run processes' start, idle processes."""
    layouts = list(ticks)
    items: list[CostItem] = []
    for name, per_day in TICKS_PER_DAY.items():
        kind = "sensors" if name in ticks[layouts[0]]["sensors"] else "schedules"
        per_event = {la: float(ticks[la][kind][name]["steady"]) for la in layouts}
        items.append(CostItem(f"{name} tick", per_event, per_day))
    for name, per_day in RUNS_PER_DAY.items():
        items.append(
            CostItem(f"{name} run (steps)", {la: float(runs[la][name]["cpu"]) for la in layouts}, per_day)
        )
    items.append(
        CostItem(
            "run process start (imports, definitions)",
            dict.fromkeys(layouts, run_start_cpu),
            sum(RUNS_PER_DAY.values()),
        )
    )
    for figures in idle:
        for process, cpu in figures.idle_cpu.items():
            rate = cpu / figures.idle_seconds
            items.append(
                CostItem(
                    f"idle {process} ({figures.layout}), per second",
                    dict.fromkeys(layouts, rate),
                    DAY,
                    figures.layout,
                )
            )
    return items


def cpu_table(items: Sequence[CostItem], layouts: Sequence[str]) -> list[str]:
    """Markdown lines: per item, CPU-s per event and per day on each storage layout; a total for each
    process layout (ticks and runs are the same in both; only the idle lines differ)."""
    head = [
        "Item",
        "Per day",
        *[f"CPU-s each ({la})" for la in layouts],
        *[f"CPU-s/day ({la})" for la in layouts],
    ]
    lines = [_row(head), _row(["---"] * len(head))]
    for item in items:
        each = [f"{item.per_event[la]:.3f}" for la in layouts]
        daily = [f"{item.daily(la):,.0f}" for la in layouts]
        lines.append(_row([item.what, f"{item.per_day:,}", *each, *daily]))
    for process_layout in dict.fromkeys(i.process_layout for i in items if i.process_layout):
        totals = [f"**{daily_total(items, process_layout, la):,.0f}**" for la in layouts]
        lines.append(_row([f"**Total, {process_layout}**", "", *[""] * len(layouts), *totals]))
    return lines


def daily_total(items: Sequence[CostItem], process_layout: str, layout: str) -> float:
    """CPU-seconds a day of a host running `process_layout` on a state of storage `layout`."""
    return sum(i.daily(layout) for i in items if i.process_layout in (None, process_layout))


def memory_table(processes: Sequence[LayoutFigures]) -> list[str]:
    """Markdown lines: each process (and each code server it spawned) after settling: RSS and PSS."""
    head = ["Layout", "Process", "RSS (MB)", "PSS (MB)"]
    lines = [_row(head), _row(["---"] * len(head))]
    for figures in processes:
        rss_total = pss_total = 0
        for name, samples in figures.memory.items():
            for i, s in enumerate(samples):
                label = name if i == 0 else f"{name}: {_describe_child(s.command)}"
                lines.append(_row([figures.layout, label, f"{s.rss / MB:.0f}", _mb(s.pss)]))
                rss_total += s.rss
                pss_total += s.pss or 0
        lines.append(
            _row([figures.layout, "**all**", f"**{rss_total / MB:.0f}**", f"**{pss_total / MB:.0f}**"])
        )
    return lines


def _describe_child(command: str) -> str:
    """A spawned process by what it is: a code server, or its command's first words."""
    if "api grpc" in command:
        return "its code server (dagster api grpc)"
    return " ".join(command.split()[:4])


def _mb(value: int | None) -> str:
    return "" if value is None else f"{value / MB:.0f}"


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"
