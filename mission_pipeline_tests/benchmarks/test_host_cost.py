"""The host-cost comparison's pure parts: reading /proc's text, and scaling one event to a day."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.measure.host_processes import LayoutFigures
from benchmarks.measure.proc_stats import (
    DescendantPeaks,
    parse_rollup,
    parse_stat_cpu,
    parse_status_rss,
    sample_tree,
)
from benchmarks.report.host_cost_tables import RUNS_PER_DAY, TICKS_PER_DAY, cost_items, daily_total

ROLLUP = """55d4c0a1e000-7ffd2b3f5000 ---p 00000000 00:00 0                          [rollup]
Rss:              204800 kB
Pss:              150000 kB
Pss_Anon:         120000 kB
Shared_Clean:      50000 kB
"""


def test_rollup_gives_rss_and_pss_in_bytes() -> None:
    assert parse_rollup(ROLLUP) == (204800 * 1024, 150000 * 1024)


def test_rollup_without_pss_gives_none() -> None:
    assert parse_rollup("Rss: 10 kB\n") == (10 * 1024, None)


def test_stat_cpu_counts_fields_after_a_command_with_spaces_and_parentheses() -> None:
    # pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    # cutime cstime ...: the children waited for count too.
    stat = "4242 (dagster (api) grpc) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 80 20 20 0 3 0"
    assert parse_stat_cpu(stat, 100) == pytest.approx(4.0)


def test_status_rss_is_zero_for_a_process_without_memory() -> None:
    assert parse_status_rss("Name:\tkthreadd\nState:\tS\n") == 0
    assert parse_status_rss("Name:\tpython\nVmRSS:\t  2048 kB\n") == 2048 * 1024


def test_descendant_peaks_are_the_childs_own_not_the_parents_it_was_forked_from() -> None:
    parent_memory = b"p" * (200 * 2**20)  # written: resident in this process
    child = "import time; x = b'c' * (40 * 2**20); time.sleep(0.6)"
    with DescendantPeaks(every=0.02) as peaks:
        subprocess.run([sys.executable, "-c", child], check=True)
    assert len(peaks.peaks) == 1
    (peak,) = peaks.peaks.values()
    assert 40 * 2**20 <= peak < 150 * 2**20  # getrusage(RUSAGE_CHILDREN) says about 200 MB here
    assert parent_memory[-1:] == b"p"


def test_descendant_peaks_keep_a_childs_peak_after_it_exits_and_awaits_its_wait() -> None:
    # A zombie's status has no VmHWM: sampled then, it must not overwrite the peak seen alive.
    child = subprocess.Popen([sys.executable, "-c", "import time; x = b'c' * (40 * 2**20); time.sleep(0.3)"])
    status = Path(f"/proc/{child.pid}/status")
    with DescendantPeaks(every=0.02) as peaks:
        deadline = time.monotonic() + 30
        while "State:\tZ" not in status.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)  # the child exits after 0.3 s and stays a zombie until the wait below
        time.sleep(0.2)  # several samples of the zombie
        assert "State:\tZ" in status.read_text()
    child.wait()
    assert peaks.peaks[child.pid] >= 40 * 2**20


def test_sample_tree_reads_this_process() -> None:
    me = sample_tree(os.getpid())
    assert me[0].pid == os.getpid()
    assert me[0].rss > 0 and me[0].cpu > 0


def _ticks(seconds: float) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    sensors = {n: {"first": 9.0, "steady": seconds} for n in TICKS_PER_DAY if n.endswith("sensor")}
    schedules = {n: {"steady": seconds} for n in TICKS_PER_DAY if n.endswith("schedule")}
    return {"sqlite": {"sensors": sensors, "schedules": schedules}}


def test_items_scale_each_event_by_how_often_it_happens_a_day() -> None:
    runs = {"sqlite": {name: {"cpu": 2.0, "success": True} for name in RUNS_PER_DAY}}
    idle = [
        LayoutFigures("shipped", idle_cpu={"daemon": 1.0}, idle_seconds=100.0),
        LayoutFigures("lean", idle_cpu={"daemon": 0.5}, idle_seconds=100.0),
    ]
    items = cost_items(_ticks(0.1), runs, 4.0, idle)
    by_name = {i.what: i for i in items}
    assert by_name["openclaw_usage_sensor tick"].daily("sqlite") == pytest.approx(0.1 * 288)
    assert by_name["budget_sensor tick"].daily("sqlite") == pytest.approx(0.1 * 1440)
    assert by_name["usage_job run (steps)"].daily("sqlite") == pytest.approx(2.0)
    assert by_name["idle daemon (shipped), per second"].daily("sqlite") == pytest.approx(864.0)
    shared = 0.1 * sum(TICKS_PER_DAY.values()) + (2.0 + 4.0) * sum(RUNS_PER_DAY.values())
    assert daily_total(items, "shipped", "sqlite") == pytest.approx(shared + 864.0)
    assert daily_total(items, "lean", "sqlite") == pytest.approx(shared + 432.0)
