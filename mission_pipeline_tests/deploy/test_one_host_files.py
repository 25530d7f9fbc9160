"""The lean one-host files agree with each other and with the shipped units and workspace."""

import shlex
from typing import Any

from dagster_shared.yaml_utils import load_yaml_from_path

from mission_pipeline_tests.deploy.conftest import REPO
from mission_pipeline_tests.deploy.systemd_units import parse_unit

DEPLOY = REPO / "deploy"
DROP_INS = DEPLOY / "systemd" / "one-host"


def _command(name: str) -> list[str]:
    """The drop-in's command: an empty ExecStart= first clears the unit's own, then the new one."""
    starts = parse_unit(DROP_INS / name)["Service"]["ExecStart"]
    assert starts[0] == "" and len(starts) == 2, name
    return shlex.split(starts[1])


def test_the_code_server_serves_the_location_the_shipped_workspace_names() -> None:
    shipped: Any = load_yaml_from_path(str(REPO / "workspace.yaml"))
    one_host: Any = load_yaml_from_path(str(DEPLOY / "workspace.one-host.yaml"))
    (served,) = [entry["grpc_server"] for entry in one_host["load_from"]]
    (module,) = [entry["python_module"] for entry in shipped["load_from"]]
    assert served["location_name"] == module["location_name"]
    command = _command("code-server.conf")
    assert command[1:3] == ["api", "grpc"]
    assert command[command.index("-m") + 1] == module["module_name"]
    assert command[command.index("--location-name") + 1] == served["location_name"]
    assert command[command.index("-h") + 1] == served["host"] == "127.0.0.1"
    assert int(command[command.index("-p") + 1]) == served["port"]
    # The gateway check of the unit (it requires OPENCLAW_GATEWAY_ID) is cleared too.
    assert parse_unit(DROP_INS / "code-server.conf")["Service"]["ExecStartPre"] == [""]


def test_daemon_and_webserver_reach_that_code_server() -> None:
    for name in ("daemon.conf", "webserver.conf"):
        command = _command(name)
        assert command[command.index("-w") + 1] == "/opt/mission-pipeline/deploy/workspace.one-host.yaml"
        unit = parse_unit(DROP_INS / name)["Unit"]
        assert unit["After"] == unit["Wants"] == ["mission-pipeline-code-server.service"]
