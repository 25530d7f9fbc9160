"""Dagster's distributed deployment on this machine: real code servers, a webserver and a daemon.

Each process runs in its own process group (a code server spawns its gRPC server and run workers
under it), logs to its own file, and is killed with its whole group when the deployment stops.
The webserver is driven through its GraphQL API, as an operator's scripts or the UI would.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from dagster import DagsterRunStatus
from dagster_graphql import DagsterGraphQLClient

T = TypeVar("T")
BIN = Path(sys.executable).parent
# Variables of the test process that would leak settings into the deployment's processes.
FOREIGN_PREFIXES = ("OPENCLAW_", "SUPABASE_", "DAGSTER_", "MISSION_PIPELINE_", "PG", "USAGE_")
FINISHED = {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED}
LOCATIONS_QUERY = """
{ workspaceOrError { ... on Workspace { locationEntries {
    name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } } } }
"""


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(check: Callable[[], T | None], *, timeout: float, what: str, interval: float = 0.5) -> T:
    """`check()`'s first truthy answer; TimeoutError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f}s for {what}")
        time.sleep(interval)


def clean_environment() -> dict[str, str]:
    """The test process's environment without any variable the pipeline or Dagster would read."""
    return {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_PREFIXES)}


@dataclass
class Service:
    """One process group of the deployment and the file its output goes to."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    port: int | None = None

    def kill(self) -> None:
        """SIGKILL the whole group, as a host going down would; a group already gone is fine."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM the group, then SIGKILL whatever is left after a few seconds."""
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Deployment:
    """The processes of one deployment under `root`; `central_env` is the webserver's and daemon's."""

    root: Path
    central_env: dict[str, str]
    services: dict[str, Service] = field(default_factory=dict)
    locations: dict[str, int] = field(default_factory=dict)
    web_port: int = 0

    def start(self, name: str, argv: list[str], env: Mapping[str, str], port: int | None = None) -> Service:
        workdir = self.root / name  # its own working directory: no `.env` of the checkout is read
        workdir.mkdir(parents=True, exist_ok=True)
        log = self.root / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                argv, env=dict(env), cwd=workdir, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.services[name] = Service(name, process, log, port)
        return self.services[name]

    def start_code_server(self, location: str, env: Mapping[str, str]) -> Service:
        """`dagster code-server start` for the project's definitions, as a gateway host runs it."""
        port = free_port()
        self.locations[location] = port
        argv = [str(BIN / "dagster"), "code-server", "start", "-m", "mission_pipeline.definitions"]
        argv += ["-a", "defs", "-h", "127.0.0.1", "-p", str(port), "--location-name", location]
        return self.start(location, argv, env, port)

    def start_central(self, *, timeout: float = 120) -> None:
        """The webserver, then (once every code location loaded) the daemon, on one workspace.yaml."""
        entries = [
            {"grpc_server": {"host": "127.0.0.1", "port": port, "location_name": name}}
            for name, port in self.locations.items()
        ]
        workspace = self.root / "workspace.yaml"
        workspace.write_text(json.dumps({"load_from": entries}))  # JSON is YAML
        self.web_port = free_port()
        web = [str(BIN / "dagster-webserver"), "-w", str(workspace), "-h", "127.0.0.1"]
        self.start("webserver", [*web, "-p", str(self.web_port)], self.central_env, self.web_port)
        wait_until(self._all_loaded, timeout=timeout, what="every code location to load", interval=2)
        self.start("daemon", [str(BIN / "dagster-daemon"), "run", "-w", str(workspace)], self.central_env)

    def _all_loaded(self) -> bool:
        try:
            statuses = self.location_statuses()
        except OSError:
            return False  # the webserver is not listening yet
        if set(statuses) == set(self.locations) and set(statuses.values()) == {"RepositoryLocation"}:
            return True
        self.reload_workspace()  # a code server still loading answered with an error
        return False

    def graphql(self, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """One GraphQL request to the webserver; its `data`, or AssertionError with its errors."""
        body = json.dumps({"query": query, "variables": dict(variables or {})}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.web_port}/graphql", body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - http://127.0.0.1
            answer: dict[str, Any] = json.loads(response.read())
        assert not answer.get("errors"), answer["errors"]
        data: dict[str, Any] = answer["data"]
        return data

    def location_statuses(self) -> dict[str, str]:
        """Each code location's name -> `RepositoryLocation` when loaded, else the error's type."""
        entries = self.graphql(LOCATIONS_QUERY)["workspaceOrError"]["locationEntries"]
        return {
            e["name"]: (e["locationOrLoadError"] or {}).get("__typename", e["loadStatus"]) for e in entries
        }

    def reload_workspace(self) -> None:
        self.graphql("mutation { reloadWorkspace { __typename } }")

    def client(self) -> DagsterGraphQLClient:
        return DagsterGraphQLClient("127.0.0.1", port_number=self.web_port)

    def submit(self, location: str, job: str, tags: Mapping[str, str] | None = None) -> str:
        """Queue a run of `job` in `location`; the daemon launches it through that code server."""
        return self.client().submit_job_execution(
            job, repository_location_name=location, repository_name="__repository__", tags=dict(tags or {})
        )

    def wait_for_runs(self, run_ids: list[str], *, timeout: float = 180) -> dict[str, DagsterRunStatus]:
        """Each run's final status, once every one of them finished."""
        client = self.client()

        def finished() -> dict[str, DagsterRunStatus] | None:
            statuses = {run_id: client.get_run_status(run_id) for run_id in run_ids}
            return statuses if set(statuses.values()) <= FINISHED else None

        return wait_until(finished, timeout=timeout, what=f"runs {run_ids} to finish", interval=1)

    def stop(self) -> None:
        for service in reversed(list(self.services.values())):
            service.stop()

    def tails(self) -> str:
        """The end of every process's output, for a failure's report."""
        return "\n".join(f"----- {s.name} ({s.log}) -----\n{s.tail()}" for s in self.services.values())
