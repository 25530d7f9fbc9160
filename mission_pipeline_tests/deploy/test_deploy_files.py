"""The deploy/ files stay complete as the project grows: every setting documented, every unit restartable."""

import re
from typing import Any

from dagster_shared.yaml_utils import load_yaml_from_path

from mission_pipeline.settings import Settings
from mission_pipeline_tests.deploy.conftest import PRODUCTION_YAML, REPO

DEPLOY = REPO / "deploy"
ENV_EXAMPLE = DEPLOY / "mission-pipeline.env.example"
# The units that run Dagster (the SSH tunnel unit of several gateways runs ssh only).
UNITS = sorted(unit for unit in (DEPLOY / "systemd").glob("*.service") if "tunnel" not in unit.name)


def documented_names() -> set[str]:
    """Names set (or shown commented out) in the example env file."""
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(), re.MULTILINE))


def test_env_example_documents_every_setting() -> None:
    missing = {name.upper() for name in Settings.model_fields} - documented_names()
    assert not missing, f"add to {ENV_EXAMPLE.name}: {sorted(missing)}"


def test_env_example_sets_every_variable_the_production_instance_reads() -> None:
    read = set(re.findall(r"env: ([A-Z_]+)", PRODUCTION_YAML.read_text()))
    assert read == {
        "DAGSTER_PG_HOST",
        "DAGSTER_PG_PORT",
        "DAGSTER_PG_USER",
        "DAGSTER_PG_PASSWORD",
        "DAGSTER_PG_DB",
    }
    assert read <= documented_names()


def test_env_example_holds_no_secret() -> None:
    text = ENV_EXAMPLE.read_text()
    assert re.search(r"eyJ[A-Za-z0-9_-]{20,}", text) is None  # a Supabase API key (JWT)
    for url in re.findall(r"postgresql://\S+", text):
        assert "<" in url, url  # every connection string is a template


def test_systemd_units_restart_and_read_secrets_from_a_file() -> None:
    assert [unit.name for unit in UNITS] == [
        "mission-pipeline-code-server.service",
        "mission-pipeline-daemon.service",
        "mission-pipeline-webserver.service",
    ]
    for unit in UNITS:
        text = unit.read_text()
        for line in (
            "Restart=on-failure",
            "EnvironmentFile=/etc/mission-pipeline/mission-pipeline.env",
            "User=mission-pipeline",
            "Environment=DAGSTER_HOME=/var/lib/mission-pipeline/dagster",
            "WantedBy=multi-user.target",
        ):
            assert line in text.splitlines(), f"{unit.name}: {line}"
    assert "dagster code-server start -m mission_pipeline.definitions" in UNITS[0].read_text()
    assert "dagster-daemon run -w" in UNITS[1].read_text()
    assert "dagster-webserver -h 127.0.0.1" in UNITS[2].read_text()


def test_helm_values_point_at_this_image_and_an_external_postgres() -> None:
    values: Any = load_yaml_from_path(str(DEPLOY / "helm" / "values.yaml"))
    assert values["postgresql"]["enabled"] is False
    assert values["postgresql"]["postgresqlScheme"] == "postgresql+psycopg2"
    assert values["postgresql"]["service"]["port"] == 5432
    assert values["generatePostgresqlPasswordSecret"] is False
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    (deployment,) = values["dagster-user-deployments"]["deployments"]
    assert deployment["dagsterApiGrpcArgs"] == ["-m", "mission_pipeline.definitions", "-a", "defs"]
    assert {"name": "mission-pipeline-env"} in deployment["envSecrets"]
    limits = values["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"][
        "tagConcurrencyLimits"
    ]
    assert {"key": "dagster/partition", "value": {"applyLimitPerUniqueValue": True}, "limit": 1} in limits


def test_dockerfile_installs_from_the_lock_only() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    syncs = re.findall(r"^RUN uv sync .*$", text, re.MULTILINE)
    assert len(syncs) == 2
    assert all("--frozen" in sync and "--no-dev" in sync for sync in syncs)
    (pip,) = re.findall(r"^RUN pip install .*$", text, re.MULTILINE)
    assert pip.endswith('"uv==${UV_VERSION}"')  # pip installs uv itself, nothing else
