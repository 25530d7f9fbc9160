"""The gateway code server unit's own command serves the project to a `grpc_server` workspace entry."""

import os
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
from dagster._core.remote_origin import GrpcServerCodeLocationOrigin

from mission_pipeline_tests.deploy.conftest import REPO
from mission_pipeline_tests.deploy.systemd_units import one, parse_unit

UNIT = REPO / "deploy" / "systemd" / "mission-pipeline-code-server.service"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def unit_command(variables: dict[str, str]) -> list[str]:
    """ExecStart with systemd's substitutions done, pointed at this checkout's virtualenv."""
    argv = shlex.split(one(parse_unit(UNIT), "Service", "ExecStart"))
    for name, value in variables.items():
        argv = [arg.replace("${" + name + "}", value) for arg in argv]
    argv[0] = str(Path(sys.executable).with_name("dagster"))
    return argv


def wait_until_serving(origin: GrpcServerCodeLocationOrigin, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while True:
        assert server.poll() is None, "the code server exited"
        try:
            origin.create_client().ping("")
            return
        except Exception:
            assert time.monotonic() < deadline, "the code server did not answer within 120 s"
            time.sleep(0.5)


def test_the_units_command_serves_the_gateway_location(tmp_path: Path) -> None:
    port = free_port()
    variables = {
        "CODE_SERVER_HOST": "127.0.0.1",
        "CODE_SERVER_PORT": str(port),
        "OPENCLAW_GATEWAY_ID": "vps2",
    }
    env = {**os.environ, **variables, "DAGSTER_HOME": str(tmp_path), "MISSION_PIPELINE_ENV": "development"}
    server = subprocess.Popen(
        unit_command(variables), cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    origin = GrpcServerCodeLocationOrigin(host="127.0.0.1", port=port, location_name="vps2")
    try:
        wait_until_serving(origin, server)
        with dg.DagsterInstance.ephemeral() as instance, origin.create_location(instance) as location:
            (repository,) = location.get_repositories().values()
            assert location.name == "vps2"
            assert repository.has_job("usage_job")
            assert repository.get_schedules() and repository.get_sensors()
    finally:
        server.terminate()
        server.wait(timeout=60)
