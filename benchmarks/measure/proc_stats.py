"""What /proc says of a running process tree: each process's memory (RSS, PSS) and CPU seconds.

Parsers are pure (they take the files' text) so they are tested without processes; readers return
None for a process that exited meanwhile.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcessSample:
    """One process at one moment: what it runs, its memory in bytes and its CPU seconds so far."""

    pid: int
    command: str
    rss: int
    pss: int | None  # None where smaps_rollup cannot be read (older kernels, other users' processes)
    cpu: float


def parse_rollup(text: str) -> tuple[int, int | None]:
    """(RSS, PSS) in bytes from /proc/<pid>/smaps_rollup."""
    fields = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("Rss:", "Pss:"):
            fields[parts[0]] = int(parts[1]) * 1024
    return fields.get("Rss:", 0), fields.get("Pss:")


def parse_stat_cpu(text: str, ticks_per_second: int) -> float:
    """CPU seconds of a process and of its children that ended and were waited for, from
    /proc/<pid>/stat: utime, stime, cutime, cstime (fields 14 to 17; the command may hold spaces and
    parentheses, so fields are counted after its last closing parenthesis). The children's share
    matters: dagster-daemon replaces its code server every minute, and the old one's CPU would
    otherwise vanish with it."""
    after = text[text.rindex(")") + 2 :].split()
    # after[0] is field 3 (state): fields 14 to 17 are after[11:15].
    return sum(int(x) for x in after[11:15]) / ticks_per_second


def parse_status_rss(text: str, field: str = "VmRSS") -> int:
    """VmRSS (or another Vm field, VmHWM the peak) in bytes from /proc/<pid>/status (a kernel process
    or a zombie has none: 0)."""
    for line in text.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    return 0


def children_of(pid: int) -> list[int]:
    """Every descendant of `pid` (its children's children too), from /proc/<pid>/task/*/children."""
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = list(Path(f"/proc/{current}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
            found += kids
            todo += kids
    return found


def sample(pid: int) -> ProcessSample | None:
    """`pid` now, or None if it is gone."""
    base = Path(f"/proc/{pid}")
    try:
        command = (base / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        cpu = parse_stat_cpu((base / "stat").read_text(), os.sysconf("SC_CLK_TCK"))
        rss = parse_status_rss((base / "status").read_text())
    except (OSError, ValueError, IndexError):
        return None
    pss: int | None = None
    with contextlib.suppress(OSError):
        rss, pss = parse_rollup((base / "smaps_rollup").read_text())
    return ProcessSample(pid, command, rss, pss, cpu)


def sample_tree(pid: int) -> list[ProcessSample]:
    """`pid` and every descendant still running."""
    found = [sample(p) for p in [pid, *children_of(pid)]]
    return [s for s in found if s is not None]


class DescendantPeaks:
    """The peak RSS (VmHWM) of each process started under this one, sampled by a thread.

    `getrusage(RUSAGE_CHILDREN)` will not do for children started with fork or vfork and exec: the
    kernel counts in each the RSS of the parent's memory it ran in until exec, so a small worker of a
    large parent looks as large as the parent. VmHWM belongs to the child's own memory once it has
    exec'd, and only grows from there: the latest sample of each is kept, except a zombie's, which
    has no memory left to show. A process's last moments between two samples are missed.
    """

    def __init__(self, every: float = 0.05) -> None:
        self.peaks: dict[int, int] = {}
        self._every, self._stop = every, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> DescendantPeaks:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = os.getpid()
        # A relative sleep, not Event.wait: a timed wait runs to a wall-clock deadline, which a shifted
        # clock (faketime, the test suite's year-ahead pass) puts out of reach.
        while not self._stop.is_set():
            for pid in children_of(me):
                with contextlib.suppress(OSError):
                    peak = parse_status_rss(Path(f"/proc/{pid}/status").read_text(), "VmHWM")
                    # The latest, not the largest: until exec a new child shows its parent's memory.
                    # A child that exited and awaits its parent's wait (a zombie) shows none: 0.
                    if peak:
                        self.peaks[pid] = peak
            time.sleep(self._every)
