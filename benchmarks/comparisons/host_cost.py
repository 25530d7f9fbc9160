"""The gateway host's steady cost: idle memory and CPU of the long-running Dagster processes, and the
CPU-seconds a day that the sensors and schedules and the runs they launch spend on a year of history.

Two layouts of processes: the systemd units as shipped (daemon and webserver, each loading the code
in a code server of its own) and the lean one (one `dagster api grpc` code server, the daemon reaching
it, no webserver). Ticks and runs are measured in children of their own, on both storage layouts.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.harness import LAYOUTS, Harness
from benchmarks.measure.environment import child_env
from benchmarks.measure.host_processes import SETTLE_SECONDS, Layout, LayoutFigures, dagster_yaml, watch
from benchmarks.measure.runner import run_child
from benchmarks.progress import progress
from benchmarks.report.host_cost_tables import cost_items, cpu_table, memory_table

# The state the processes watch: the file era, where the transcript sensor has the most sources.
PROCESS_STATE = "jsonl"
IDLE_SECONDS = 120.0
SHIPPED = Layout(
    "systemd units as shipped",
    {
        "dagster-daemon": ["dagster-daemon", "run", "-w", "{workspace}"],
        "dagster-webserver": [
            "dagster-webserver",
            "-h",
            "127.0.0.1",
            "-p",
            "{web_port}",
            "-w",
            "{workspace}",
        ],
    },
    shared_code_server=False,
)
LEAN = Layout(
    "lean: one code server, daemon, no webserver",
    {
        "code server": [
            "dagster",
            *("api", "grpc", "-h", "127.0.0.1", "-p", "{port}"),
            *("-m", "mission_pipeline.definitions", "-a", "defs", "--location-name", "mission_pipeline"),
        ],
        "dagster-daemon": ["dagster-daemon", "run", "-w", "{workspace}"],
    },
    shared_code_server=True,
)


@dataclass
class HostRuns:
    """Per storage layout: one tick of each sensor and schedule, one run of each job; the CPU of a run
    process's start; and each process layout's memory and idle CPU."""

    ticks: dict[str, dict[str, Any]] = field(default_factory=dict)
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    run_start_cpu: float = 0.0
    processes: list[LayoutFigures] = field(default_factory=list)


def measure(h: Harness, full: Path, last: date) -> HostRuns:
    """Ticks and runs on both storage layouts, a run process's start, then each process layout."""
    out = HostRuns()
    for layout in LAYOUTS:
        state = full / layout / "state"
        progress(f"{layout}: one tick of every sensor and schedule, one run of every job")
        out.ticks[layout] = _in_fresh(h, state, "ticks", {"repeats": h.repeats}).data
        data = _in_fresh(h, state, "runs", {"day": last.isoformat()}).data
        runs = {name: run for name, run in data.items() if name != "peak_rss"}
        failed = [name for name, run in runs.items() if not run["success"]]
        if failed:
            h.checks.append(f"host cost, {layout}: runs failed: {', '.join(failed)}; see {h.log}")
        out.runs[layout] = runs
    start = _in_fresh(h, full / PROCESS_STATE / "state", "load_definitions", {})
    out.run_start_cpu = start.cpu
    for layout_def in (SHIPPED, LEAN):
        progress(f"host processes, {layout_def.name}: settle, memory, {IDLE_SECONDS:.0f} s idle")
        url = h.pg.fresh()
        storage = h.pg.fresh()
        try:
            home = h.work / "host-dagster" / layout_def.name.split(":")[0].replace(" ", "-")
            shutil.rmtree(home, ignore_errors=True)
            home.mkdir(parents=True)
            (home / "dagster.yaml").write_text(dagster_yaml(storage))
            env = child_env(full / PROCESS_STATE / "state", url, h.scale.first_day, h.work / "pipeline-data")
            out.processes.append(watch(layout_def, home, env, IDLE_SECONDS, h.log))
        finally:
            h.pg.drop(url)
            h.pg.drop(storage)
    return out


def _in_fresh(h: Harness, state: Path, task: str, args: dict[str, Any]) -> Any:
    """`task` in a child with its own warehouse database and DAGSTER_HOME (Dagster's default storage)."""
    url = h.pg.fresh()
    home = h.work / "host-dagster" / f"{task}-{state.parent.name}"
    try:
        env = child_env(state, url, h.scale.first_day, h.work / "pipeline-data", {"DAGSTER_HOME": str(home)})
        shutil.rmtree(home, ignore_errors=True)  # a previous benchmark's runs and ticks: not a fresh start
        home.mkdir(parents=True)
        return run_child(task, args, env=env, log=h.log)
    finally:
        h.pg.drop(url)


def describe(runs: HostRuns) -> tuple[str, list[str]]:
    """The report's section: the CPU table, the memory table, and how each was measured."""
    items = cost_items(runs.ticks, runs.runs, runs.run_start_cpu, runs.processes)
    idle = ", ".join(f"{p.idle_seconds:.0f} s ({p.layout})" for p in runs.processes)
    lines = [
        "CPU-seconds a day at the default intervals, on a year of history in each storage layout: one"
        " steady tick of each sensor and schedule (the usage sensor's second tick, after its first recorded"
        " the baseline), one in-process run of each job (the usage jobs for the last day), the start of a"
        " run's own process (each launched run imports Dagster and loads the definitions anew), and the"
        " processes' own idle CPU (every sensor and schedule stopped), each scaled to a day.",
        "",
        *cpu_table(items, list(runs.ticks)),
        "",
        f"Memory of every long-running process after {SETTLE_SECONDS:.0f} s (code loaded, the sensors'"
        f" first ticks done) on the {PROCESS_STATE} state; Dagster's storage on the embedded PostgreSQL.",
        "",
        *memory_table(runs.processes),
        "",
        "- CPU is user + system time (`time.process_time()` in the measuring child, `/proc/<pid>/stat` for"
        " the processes), not wall time: the machine is shared. Idle windows: " + idle + ".",
        "- Not counted: the daemon's own side of each tick (the gRPC call, storing the tick and the cursor)"
        " and PostgreSQL's CPU; a first tick (the usage sensor's baseline: "
        + ", ".join(
            f"{la} {t['sensors']['openclaw_usage_sensor']['first']:.1f} s" for la, t in runs.ticks.items()
        )
        + ") happens once per deployment. Usage sensor cursor: "
        + ", ".join(
            f"{la} {t['sensors']['openclaw_usage_sensor']['cursor_bytes'] / 1024:,.0f} KiB"
            for la, t in runs.ticks.items()
        )
        + ", stored with every tick.",
        "- PSS shares the pages processes have in common (the Python runtime, Dagster's modules) among"
        " them: the PSS column adds up to what the host really spends, the RSS column counts shared pages"
        " once per process.",
    ]
    return "Gateway host: steady cost", lines
