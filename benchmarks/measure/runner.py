"""The parent's side of a measurement: start a child task or an external command, collect its figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.measure.child import RESULT


@dataclass
class Outcome:
    """One measured run: the child's figures, the wall time and its own peak RSS."""

    name: str
    data: dict[str, Any]
    wall: float
    max_rss: int  # bytes
    cpu: float = 0.0  # the process's own user + system seconds, from its rusage
    ok: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        """The measured time: the child's own (around the measured call), else the wall time."""
        return float(self.data.get("seconds", self.wall))


class ChildFailed(RuntimeError):
    """A child task or reference command exited non-zero."""


def run_child(
    name: str, args: dict[str, Any], *, env: dict[str, str] | None = None, log: Path | None = None
) -> Outcome:
    """Run one task in a fresh interpreter; its rusage (peak RSS) is its own."""
    cmd = [sys.executable, "-m", "benchmarks.measure", name, json.dumps(args)]
    return _run(name, cmd, env=env, log=log, child=True)


def run_command(
    name: str, cmd: list[str], *, log: Path | None = None, rss: bool = False, keep: bool = False
) -> Outcome:
    """Run an external reference command; its output is counted (lines, bytes) and, with `keep`, kept as
    `data["stdout"]` (for a reference whose result is checked). With `rss`, under GNU time for its own
    peak RSS (a run for the figure, not for the time: time's fork costs)."""
    return _run(name, cmd, env=None, log=log, child=False, rss=rss, keep=keep)


def _run(
    name: str,
    cmd: list[str],
    *,
    env: dict[str, str] | None,
    log: Path | None,
    child: bool,
    rss: bool = False,
    keep: bool = False,
) -> Outcome:
    err = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    # ru_maxrss keeps the RSS the child had before exec (a copy of ours): an external command's own peak
    # comes from GNU time, which forks it from its own small process, when installed.
    rss_file = None
    if rss and not child and Path("/usr/bin/time").exists():
        fd, rss_file = tempfile.mkstemp(prefix="bench-rss-")
        os.close(fd)
        cmd = ["/usr/bin/time", "-f", "%M", "-o", rss_file, *cmd]
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=env)
        assert proc.stdout is not None
        lines = 0
        size = 0
        result_line = b""
        kept: list[bytes] = []
        for raw in proc.stdout:
            lines += 1
            size += len(raw)
            if child and raw.startswith(RESULT.encode()):
                result_line = raw
            elif keep:
                kept.append(raw)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log:
            err.close()  # type: ignore[union-attr]
    code = proc.returncode
    if code != 0:
        raise ChildFailed(f"{name}: exit {code} ({' '.join(cmd[:4])} …); see {log}")
    data = json.loads(result_line[len(RESULT) :]) if child else {"lines": lines, "bytes": size}
    if keep:
        data["stdout"] = b"".join(kept).decode()
    peak = usage.ru_maxrss * 1024
    if child and data.get("peak_rss"):
        peak = int(data["peak_rss"])
    elif rss_file:
        try:
            peak = int(Path(rss_file).read_text().split()[-1]) * 1024
        except (OSError, ValueError, IndexError):
            pass
        finally:
            os.unlink(rss_file)
    return Outcome(name, data, wall, peak, cpu=usage.ru_utime + usage.ru_stime)
