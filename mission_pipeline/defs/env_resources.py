"""The resources of the Definitions, their fields fed by environment variables through dg.EnvVar.

dg.EnvVar tells Dagster to read the variable when a run starts and to show its name, never its
value, in the UI (and in each run's stored job snapshot): the database URL is a secret. But a field
set to dg.EnvVar("X") fails every run while X is unset, and most of these variables are optional.
So a field gets dg.EnvVar only when its variable is set, and otherwise keeps its default (the
embedded database, OpenClaw's own state directory): see `env_var_if_set`.

Only str and int fields can take a dg.EnvVar; AUTO_MIGRATE (a bool) comes from the validated
`Settings` instead. The values are validated by `Settings` when the definitions load, so a bad one
is refused there in one line, not at a run's start.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import dagster as dg
from dotenv import dotenv_values

from mission_pipeline.defs.resources import (
    AlertWebhookResource,
    OpenClawResource,
    PricingResource,
    RunRetentionResource,
    shared_resources,
)
from mission_pipeline.gateways import DEFAULT_GATEWAY
from mission_pipeline.openclaw.state_dir import StateDirLocation
from mission_pipeline.settings import Settings
from mission_pipeline.warehouse.embedded import DEFAULT_DATABASE
from mission_pipeline.warehouse.resource import PostgresWarehouse

# The env file Settings reads (its model_config), relative to the working directory like there.
ENV_FILE = Path(".env")


@lru_cache(maxsize=1)
def _env_file() -> dict[str, str]:
    if not ENV_FILE.is_file():
        return {}
    return {key: value for key, value in dotenv_values(ENV_FILE).items() if value is not None}


def env_var_if_set(name: str) -> dg.EnvVar | None:
    """dg.EnvVar(name) when the variable is set and not empty, in the environment or `.env`; else None.

    Read as Settings reads it: the environment first, then `.env`, an empty value meaning unset. A
    value only in `.env` is copied into the environment (as `dagster dev` does with `.env`), because
    dg.EnvVar reads the environment of the process that runs the step.
    """
    if os.environ.get(name):
        return dg.EnvVar(name)
    value = _env_file().get(name)
    if not value:
        return None
    os.environ[name] = value
    return dg.EnvVar(name)


def openclaw_from_env(
    location: StateDirLocation | None = None, *, gateway_id: str = DEFAULT_GATEWAY
) -> OpenClawResource:
    """OPENCLAW_STATE_DIR and OPENCLAW_CLI when set; `location`, when given, replaces the state dir.

    `gateway_id` is the load-time OPENCLAW_GATEWAY_ID (it also names the asset keys), not a dg.EnvVar.
    """
    cli = env_var_if_set("OPENCLAW_CLI") or "auto"
    workers = dg.EnvVar.int("OPENCLAW_READ_WORKERS") if env_var_if_set("OPENCLAW_READ_WORKERS") else 0
    common: dict[str, Any] = {"cli": cli, "gateway_id": gateway_id, "read_workers": workers}
    if location is not None:
        return OpenClawResource(state_dir=str(location.path), state_dir_origin=location.origin, **common)
    state_dir = env_var_if_set("OPENCLAW_STATE_DIR")
    if state_dir is None:
        return OpenClawResource(**common)
    return OpenClawResource(state_dir=state_dir, state_dir_origin="from OPENCLAW_STATE_DIR", **common)


def warehouse_from_env(settings: Settings, *, embedded_database: str = DEFAULT_DATABASE) -> PostgresWarehouse:
    """SUPABASE_DB_URL, MISSION_PIPELINE_ENV and MISSION_PIPELINE_DATA_DIR when set; AUTO_MIGRATE."""
    return PostgresWarehouse(
        database_url=env_var_if_set("SUPABASE_DB_URL"),
        environment=env_var_if_set("MISSION_PIPELINE_ENV") or "development",
        data_dir=env_var_if_set("MISSION_PIPELINE_DATA_DIR"),
        embedded_database=embedded_database,
        auto_migrate=settings.auto_migrate,
    )


def resources_from_env(
    settings: Settings,
    *,
    location: StateDirLocation | None = None,
    embedded_database: str = DEFAULT_DATABASE,
) -> dict[str, object]:
    """The Definitions' resources, configured by the environment (and `.env`).

    `mission-pipeline run` passes the state dir it settled on (`location`) and the embedded database
    it writes to; everything else is as the Definitions have it.
    """
    retention = RunRetentionResource()
    if env_var_if_set("RUN_RETENTION_DAYS") is not None:
        retention = RunRetentionResource(keep_days=dg.EnvVar.int("RUN_RETENTION_DAYS"))
    return shared_resources(
        openclaw_from_env(location, gateway_id=settings.openclaw_gateway_id),
        warehouse_from_env(settings, embedded_database=embedded_database),
        pricing=PricingResource(pricing_file=env_var_if_set("PRICING_FILE")),
        alert_webhook=AlertWebhookResource(
            url=env_var_if_set("ALERT_WEBHOOK_URL"), ui_url=env_var_if_set("DAGSTER_UI_URL")
        ),
        run_retention=retention,
    )
