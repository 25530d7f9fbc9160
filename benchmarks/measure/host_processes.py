"""The long-running Dagster processes of a host, started as a deployment starts them, then watched.

Each layout's processes start in their own session (so that stopping them stops the code servers they
spawned), against a fresh DAGSTER_HOME whose storage is the embedded PostgreSQL, as production keeps
Dagster's storage on Postgres. After they settle (the sensors' first ticks done), the memory of every
process is sampled; then every sensor and schedule is stopped and the CPU the processes spend idling
is read from /proc over a window.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml  # type: ignore[import-untyped]

from benchmarks.measure.proc_stats import ProcessSample, sample_tree
from benchmarks.measure.runner import run_child

_BIN = Path(sys.executable).parent
_REPO = Path(__file__).resolve().parents[2]
# How long the processes get to load the code and run the sensors' first ticks before memory is read.
SETTLE_SECONDS = 75.0


@dataclass
class Layout:
    """Which processes a host runs: each a name and its command (`{port}` and `{workspace}` filled in),
    and whether the daemon and webserver load the code themselves or reach one shared code server."""

    name: str
    commands: dict[str, list[str]]
    shared_code_server: bool


@dataclass
class LayoutFigures:
    """What one layout's processes held after settling, and the CPU each spent while idle."""

    layout: str
    memory: dict[str, list[ProcessSample]] = field(default_factory=dict)
    idle_cpu: dict[str, float] = field(default_factory=dict)
    idle_seconds: float = 0.0


def dagster_yaml(storage_url: str) -> str:
    """deploy/dagster.production.yaml with its storage on `storage_url` (the embedded server's socket:
    no TLS), everything else (run queue, limits, monitoring, retention) as shipped."""
    config = yaml.safe_load((_REPO / "deploy" / "dagster.production.yaml").read_text())
    url = storage_url.replace("postgresql://", "postgresql+psycopg2://", 1)
    config["storage"] = {"postgres": {"postgres_url": url}}
    return str(yaml.safe_dump(config, sort_keys=False))


def workspace_yaml(code_server_port: int | None) -> str:
    """The repository's workspace.yaml (the code loaded by each process), or one naming a code server."""
    if code_server_port is None:
        return (_REPO / "workspace.yaml").read_text()
    server = {"host": "127.0.0.1", "port": code_server_port, "location_name": "mission_pipeline"}
    return str(yaml.safe_dump({"load_from": [{"grpc_server": server}]}))


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def watch(layout: Layout, home: Path, env: dict[str, str], idle_seconds: float, log: Path) -> LayoutFigures:
    """Start `layout` in `home`, sample its memory after settling, then its idle CPU; stop it."""
    home.mkdir(parents=True, exist_ok=True)
    env = {**env, "DAGSTER_HOME": str(home)}
    port = free_port()
    workspace = home / "workspace.yaml"
    workspace.write_text(workspace_yaml(port if layout.shared_code_server else None))
    started: dict[str, subprocess.Popen[bytes]] = {}
    figures = LayoutFigures(layout.name)
    with open(log, "ab") as err:
        try:
            for name, command in layout.commands.items():
                filled = [a.format(port=port, workspace=workspace, web_port=free_port()) for a in command]
                started[name] = subprocess.Popen(
                    [str(_BIN / filled[0]), *filled[1:]],
                    env=env,
                    cwd=_REPO,
                    stdout=err,
                    stderr=err,
                    start_new_session=True,
                )
                if name == "code server":
                    time.sleep(10)  # the daemon's first connection attempt should find it up
            time.sleep(SETTLE_SECONDS)
            for name, proc in started.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{layout.name}: {name} exited ({proc.returncode}); see {log}")
                figures.memory[name] = _without_runs(sample_tree(proc.pid))
            run_child("stop_instigators", {"workspace": str(workspace)}, env=env, log=log)
            time.sleep(5)  # a tick already under way finishes
            before = {n: _cpu(p.pid) for n, p in started.items()}
            window_started = time.monotonic()
            time.sleep(idle_seconds)
            figures.idle_seconds = time.monotonic() - window_started
            figures.idle_cpu = {n: _cpu(p.pid) - before[n] for n, p in started.items()}
        finally:
            for proc in started.values():
                _stop(proc)
    return figures


def _without_runs(tree: list[ProcessSample]) -> list[ProcessSample]:
    """The long-running processes only: a run launched meanwhile (`api execute_run`) ends by itself."""
    return [s for s in tree if "execute_run" not in s.command]


def _cpu(pid: int) -> float:
    """CPU seconds of `pid` and of its descendants still running (runs excluded)."""
    return sum(s.cpu for s in _without_runs(sample_tree(pid)))


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process we started and the code servers it started (its session): TERM, then KILL."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=20)
    # Whatever of the session is left (a code server slow to stop, the main process already gone).
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
