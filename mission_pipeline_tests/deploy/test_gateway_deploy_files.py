"""The several-gateways deploy files: units Dagster and ssh accept, a workspace Dagster validates,
Helm values with the keys deploy/gateways.md names, and no path in the guides that does not exist."""

import importlib
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from dagster._core.launcher import DefaultRunLauncher
from dagster._core.remote_origin import GrpcServerCodeLocationOrigin
from dagster._core.workspace.config_schema import ensure_workspace_config
from dagster._core.workspace.load import location_origins_from_yaml_paths
from dagster_shared.yaml_utils import load_yaml_from_path, safe_load_yaml

from mission_pipeline_tests.deploy.conftest import PRODUCTION_YAML, REPO, DagsterDatabase
from mission_pipeline_tests.deploy.systemd_units import (
    HARDENING,
    command_flags,
    one,
    parse_unit,
    referenced_variables,
    unit_environment,
)
from mission_pipeline_tests.deploy.test_deploy_files import documented_names

DEPLOY = REPO / "deploy"
SYSTEMD = DEPLOY / "systemd"
GUIDE = DEPLOY / "gateways.md"
WORKSPACE_EXAMPLE = DEPLOY / "workspace.gateways.example.yaml"
CENTRAL_VALUES = DEPLOY / "helm" / "values.central.yaml"
IN_CLUSTER_VALUES = DEPLOY / "helm" / "values.in-cluster-gateway.yaml"
GATEWAY_ID = re.compile(r"[a-z0-9_-]{1,32}")
DAGSTER = Path(sys.executable).with_name("dagster")


def cli_help(*command: str) -> str:
    return subprocess.run(
        [str(DAGSTER), *command, "--help"], capture_output=True, text=True, check=True, timeout=120
    ).stdout


def test_code_server_unit_runs_a_real_dagster_command_with_the_daemons_hardening() -> None:
    unit = parse_unit(SYSTEMD / "mission-pipeline-code-server.service")
    daemon = parse_unit(SYSTEMD / "mission-pipeline-daemon.service")
    argv = shlex.split(one(unit, "Service", "ExecStart"))
    assert argv[:3] == ["/opt/mission-pipeline/.venv/bin/dagster", "code-server", "start"]
    assert argv[argv.index("-m") + 1] == "mission_pipeline.definitions"
    assert argv[argv.index("--location-name") + 1] == "${OPENCLAW_GATEWAY_ID}"
    options = set(re.findall(r"(?:^|\s)(--?[a-z][a-z-]*)", cli_help("code-server", "start")))
    assert set(command_flags(argv)) <= options
    for key in ("User", "Group", "WorkingDirectory", "EnvironmentFile", "Restart", *HARDENING):
        assert unit["Service"][key] == daemon["Service"][key], key
    assert unit_environment(unit)["DAGSTER_HOME"] == unit_environment(daemon)["DAGSTER_HOME"]
    assert unit_environment(unit)["CODE_SERVER_HOST"] == "127.0.0.1"  # never public by default
    # Every substituted variable is set by the unit or documented in the env file it reads.
    unset = referenced_variables(one(unit, "Service", "ExecStart")) - set(unit_environment(unit))
    assert unset == {"OPENCLAW_GATEWAY_ID"}
    assert {"OPENCLAW_GATEWAY_ID", "CODE_SERVER_HOST", "CODE_SERVER_PORT"} <= documented_names()
    assert "$$OPENCLAW_GATEWAY_ID" in one(unit, "Service", "ExecStartPre")
    assert one(unit, "Install", "WantedBy") == "multi-user.target"


def test_the_guide_shows_the_code_server_command_of_the_unit() -> None:
    unit = parse_unit(SYSTEMD / "mission-pipeline-code-server.service")
    guide = GUIDE.read_text().replace("\\\n", "")  # continuation lines joined
    (shown,) = re.findall(r"^dagster code-server start .*$", guide, re.M)
    assert shlex.split(shown)[1:] == shlex.split(one(unit, "Service", "ExecStart"))[1:]


def test_tunnel_unit_forwards_with_options_ssh_accepts() -> None:
    path = SYSTEMD / "mission-pipeline-tunnel@.service"
    unit = parse_unit(path)
    command = one(unit, "Service", "ExecStart")
    argv = shlex.split(command)
    assert argv[0] == "/usr/bin/ssh" and "-N" in argv
    for option in ("ExitOnForwardFailure=yes", "ServerAliveInterval=30", "BatchMode=yes"):
        assert argv[argv.index(option) - 1] == "-o", option
    assert argv[argv.index("-L") + 1] == "127.0.0.1:${TUNNEL_LOCAL_PORT}:127.0.0.1:4000"
    assert one(unit, "Service", "EnvironmentFile") == "/etc/mission-pipeline/tunnel-%i.env"
    header = path.read_text().split("[Unit]")[0]
    for name in referenced_variables(command):
        assert f"{name}=" in header, f"document {name} in the unit's header"
    assert one(unit, "Service", "Restart") == "always"
    for key in HARDENING:
        assert key in unit["Service"], key
    ssh = shutil.which("ssh")
    if ssh is None:
        pytest.skip("no ssh client to check the options against")
    concrete = [
        arg.replace("${TUNNEL_LOCAL_PORT}", "4001").replace("${TUNNEL_DESTINATION}", "vps3") for arg in argv
    ]
    concrete[concrete.index("-F") + 1] = "/dev/null"
    done = subprocess.run([ssh, "-G", *concrete[1:]], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr  # -G parses every option and connects nowhere
    resolved = done.stdout.lower().splitlines()
    for line in (
        "exitonforwardfailure yes",
        "serveraliveinterval 30",
        "localforward [127.0.0.1]:4001 [127.0.0.1]:4000",
    ):
        assert line in resolved, line


def test_every_unit_the_guides_install_exists_and_parses() -> None:
    names = sorted(path.name for path in SYSTEMD.glob("*.service"))
    assert names == [
        "mission-pipeline-code-server.service",
        "mission-pipeline-daemon.service",
        "mission-pipeline-tunnel@.service",
        "mission-pipeline-webserver.service",
    ]
    for name in names:
        assert {"Unit", "Service", "Install"} <= set(parse_unit(SYSTEMD / name)), name


def test_workspace_example_is_valid_for_dagster_and_names_one_location_per_gateway() -> None:
    config: Any = load_yaml_from_path(str(WORKSPACE_EXAMPLE))
    ensure_workspace_config(config, str(WORKSPACE_EXAMPLE))
    origins = location_origins_from_yaml_paths([str(WORKSPACE_EXAMPLE)])
    repo_workspace: Any = load_yaml_from_path(str(REPO / "workspace.yaml"))
    # The default gateway keeps the single-host entry, so its schedule and sensor state carries over.
    assert config["load_from"][0] == repo_workspace["load_from"][0]
    servers = [origin for origin in origins if isinstance(origin, GrpcServerCodeLocationOrigin)]
    assert len(servers) == 2
    for origin in servers:
        assert GATEWAY_ID.fullmatch(origin.location_name), origin.location_name
        assert origin.host is not None
        assert re.fullmatch(r"127\.0\.0\.1|10(\.\d+){3}", origin.host), origin.host  # private only


def test_the_guide_shows_the_workspace_example() -> None:
    (block,) = re.findall(r"```yaml\n(load_from:.*?)```", GUIDE.read_text(), re.S)
    example: Any = load_yaml_from_path(str(WORKSPACE_EXAMPLE))
    shown = ensure_workspace_config(safe_load_yaml(block), str(GUIDE))
    assert shown == ensure_workspace_config(example, str(WORKSPACE_EXAMPLE))


def test_central_helm_values_launch_runs_on_the_gateways() -> None:
    values: Any = load_yaml_from_path(str(CENTRAL_VALUES))
    single: Any = load_yaml_from_path(str(DEPLOY / "helm" / "values.yaml"))
    launcher = values["runLauncher"]
    assert launcher["type"] == "CustomRunLauncher"
    custom = launcher["config"]["customRunLauncher"]
    launcher_class = getattr(importlib.import_module(custom["module"]), custom["class"])
    assert launcher_class is DefaultRunLauncher
    assert values["dagster-user-deployments"]["enabled"] is False
    workspace = values["dagsterWebserver"]["workspace"]
    assert workspace["enabled"] is True
    for server in workspace["servers"]:
        assert set(server) == {"host", "port", "name"}
        assert GATEWAY_ID.fullmatch(server["name"]), server
    # Storage and the run queue are the single-host chart values: one Dagster storage for every gateway.
    for key in ("global", "generatePostgresqlPasswordSecret", "postgresql", "retention", "telemetry"):
        assert values[key] == single[key], key
    assert values["dagsterDaemon"] == single["dagsterDaemon"]


def test_in_cluster_gateway_serves_its_own_id_and_repeats_the_external_servers() -> None:
    central: Any = load_yaml_from_path(str(CENTRAL_VALUES))
    overlay: Any = load_yaml_from_path(str(IN_CLUSTER_VALUES))
    servers = overlay["dagsterWebserver"]["workspace"]["servers"]
    external = central["dagsterWebserver"]["workspace"]["servers"]
    assert servers[: len(external)] == external  # Helm replaces lists: the overlay must repeat them
    options = set(re.findall(r"(?:^|\s)(--?[a-z][a-z-]*)", cli_help("api", "grpc")))
    deployments = overlay["dagster-user-deployments"]["deployments"]
    assert overlay["dagster-user-deployments"]["enabled"] is True
    assert servers[len(external) :] == [
        {"host": d["name"], "port": d["port"], "name": env_of(d)["OPENCLAW_GATEWAY_ID"]} for d in deployments
    ]
    for deployment in deployments:
        args = deployment["dagsterApiGrpcArgs"]
        assert set(command_flags(args)) <= options
        assert args[args.index("--location-name") + 1] == env_of(deployment)["OPENCLAW_GATEWAY_ID"]
        assert {mount["mountPath"] for mount in deployment["volumeMounts"]} == {
            env_of(deployment)["OPENCLAW_STATE_DIR"]
        }
        assert all(mount["readOnly"] is True for mount in deployment["volumeMounts"])


def env_of(deployment: dict[str, Any]) -> dict[str, str]:
    return {item["name"]: item["value"] for item in deployment["env"]}


def test_helm_keys_the_guide_names_are_in_the_central_values() -> None:
    values: Any = load_yaml_from_path(str(CENTRAL_VALUES))
    named = re.findall(r"`([A-Za-z-]+(?:\.[A-Za-z-]+)+)(?:: ([^`]+))?`", GUIDE.read_text())
    checked = 0
    for dotted, shown in named:
        head, *rest = dotted.split(".")
        if head not in values:
            continue  # a file name such as values.yaml, not a chart key
        node = values[head]
        for part in rest:
            assert isinstance(node, dict) and part in node, f"{dotted}: not in {CENTRAL_VALUES.name}"
            node = node[part]
        if shown:
            assert str(node).lower() == shown.lower(), dotted
        checked += 1
    assert checked >= 4


def named_paths(text: str) -> set[str]:
    """Repository files a guide names: `deploy/...` paths, relative file names with a slash, links."""
    tokens = set(re.findall(r"`([\w./@-]+)`", text)) | set(re.findall(r"\]\(([\w./@-]+)\)", text))
    return {t for t in tokens if "/" in t or t.endswith(".md")} - {
        t for t in tokens if t.startswith(("/", "~"))
    }


@pytest.mark.parametrize("guide", ["gateways.md", "README.md"])
def test_every_file_the_guides_name_exists(guide: str) -> None:
    for token in sorted(named_paths((DEPLOY / guide).read_text())):
        if not re.search(r"\.(md|ya?ml|service|example|toml|py|sql)$|^deploy/", token):
            continue  # tags and asset keys (dagster/partition, vps2/agent_usage)
        assert (DEPLOY / token).exists() or (REPO / token).exists(), f"{guide} names {token}"


def test_production_instance_uses_the_default_run_launcher(
    production_home: Path, dagster_database: DagsterDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What makes a run execute on its gateway's host: the launcher starts it through the code server."""
    assert "run_launcher" not in PRODUCTION_YAML.read_text()
    for name, value in dagster_database.env.items():
        monkeypatch.setenv(name, value)
    with dg.DagsterInstance.from_config(str(production_home)) as instance:
        assert type(instance.run_launcher) is DefaultRunLauncher
