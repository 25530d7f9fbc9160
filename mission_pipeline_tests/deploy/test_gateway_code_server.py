"""The gateway code server unit's own command serves the project to a `grpc_server` workspace entry."""

import os
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster._core.remote_origin import GrpcServerCodeLocationOrigin

from mission_pipeline_tests.deploy.conftest import REPO
from mission_pipeline_tests.deploy.gateways_harness import Service, free_port
from mission_pipeline_tests.deploy.systemd_units import one, parse_unit

UNIT = REPO / "deploy" / "systemd" / "mission-pipeline-code-server.service"


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


@contextmanager
def serving_gateway(gateway: str, dagster_home: Path) -> Iterator[GrpcServerCodeLocationOrigin]:
    """The code server unit's command serving gateway `gateway` on a free port, until the block ends."""
    port = free_port()
    variables = {
        "CODE_SERVER_HOST": "127.0.0.1",
        "CODE_SERVER_PORT": str(port),
        "OPENCLAW_GATEWAY_ID": gateway,
    }
    env = {
        **os.environ,
        **variables,
        "DAGSTER_HOME": str(dagster_home),
        "MISSION_PIPELINE_ENV": "development",
    }
    # A session of its own: the code server starts its gRPC server as a child, and both must go.
    server = subprocess.Popen(
        unit_command(variables),
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    origin = GrpcServerCodeLocationOrigin(host="127.0.0.1", port=port, location_name=gateway)
    try:
        wait_until_serving(origin, server)
        yield origin
    finally:
        Service(gateway, server, Path(os.devnull)).stop()


def test_the_units_command_serves_the_gateway_location(tmp_path: Path) -> None:
    with (
        serving_gateway("vps2", tmp_path) as origin,
        dg.DagsterInstance.ephemeral() as instance,
        origin.create_location(instance) as location,
    ):
        (repository,) = location.get_repositories().values()
        assert location.name == "vps2"
        assert repository.has_job("usage_job")
        assert repository.get_schedules() and repository.get_sensors()
        # Every asset of the gateway's location is under its id, so two locations never share a key.
        keys = [node.asset_key for node in repository.get_asset_node_snaps()]
        assert keys and {key.path[0] for key in keys} == {"vps2"}
