"""The pipeline's configuration: one pydantic-settings class read from the environment and `.env`."""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from mission_pipeline.gateways import DEFAULT_GATEWAY, check_gateway_id


def default_data_dir() -> Path:
    """Where the embedded PostgreSQL and other local state live unless MISSION_PIPELINE_DATA_DIR says."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "mission-pipeline"


class Settings(BaseSettings):
    """Everything the pipeline reads from its environment; secrets are SecretStr and never printed."""

    # An empty variable (`PRICING_FILE=` in an env file) means unset, not the current directory.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    supabase_db_url: SecretStr | None = Field(
        default=None,
        description="Postgres connection string of the Supabase project (direct, session or transaction "
        "pooler). Unset: the embedded PostgreSQL is used, except in production.",
    )
    supabase_service_role_key: SecretStr | None = Field(
        default=None,
        description="Not needed for writes (the pipeline writes over Postgres); known so it is redacted.",
    )
    mission_pipeline_env: Literal["development", "production"] = Field(
        default="development",
        description="production refuses to start without SUPABASE_DB_URL instead of using the embedded DB.",
    )
    mission_pipeline_data_dir: Path = Field(default_factory=default_data_dir)
    openclaw_state_dir: Path | None = Field(
        default=None, description="OpenClaw's state directory; unset: resolved as OpenClaw does."
    )
    openclaw_cli: str = Field(
        default="auto",
        description='"auto" (openclaw on PATH), "off", or the path of the openclaw executable.',
    )
    openclaw_gateway_id: str = Field(
        default=DEFAULT_GATEWAY,
        description="Which OpenClaw gateway this code location reads, when several write into one "
        "database (e.g. vps2). Fixed at load: it prefixes the asset keys of a non-default gateway.",
    )
    usage_timezone: str = Field(default="UTC", description="Time zone of the usage day boundary.")
    usage_start_date: dt.date = Field(default=dt.date(2026, 1, 1), description="First usage partition.")
    pricing_file: Path | None = Field(default=None, description="A pricing TOML replacing the shipped one.")
    auto_migrate: bool = Field(default=True, description="Apply pending migrations before the first write.")
    db_retry_delay_seconds: float = Field(
        default=5.0,
        ge=0,
        le=3600,
        description="Base delay d of the database retry policy: retries wait about d, 3d and 7d.",
    )
    run_retention_days: int = Field(
        default=14, ge=0, description="Finished runs of the 5-minute and hourly jobs kept (0: all)."
    )
    alert_webhook_url: SecretStr | None = Field(
        default=None, description="Failed runs of the scheduled jobs are POSTed here when set."
    )

    @field_validator("openclaw_gateway_id")
    @classmethod
    def _gateway_id(cls, value: str) -> str:
        return check_gateway_id(value)

    @field_validator("usage_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @property
    def is_production(self) -> bool:
        return self.mission_pipeline_env == "production"

    @property
    def embedded_pgdata(self) -> Path:
        return self.mission_pipeline_data_dir / "postgres"

    def secret_values(self) -> list[str]:
        """Every secret this process knows, for redaction of any text leaving it."""
        from mission_pipeline.redaction import url_secrets

        found: list[str] = []
        if self.supabase_db_url is not None:
            found += url_secrets(self.supabase_db_url.get_secret_value())
        for secret in (self.supabase_service_role_key, self.alert_webhook_url):
            if secret is not None and secret.get_secret_value():
                found.append(secret.get_secret_value())
        return found


class SettingsError(ValueError):
    """A setting the pipeline cannot use: one line per variable, naming what it accepts."""


# What each variable accepts, in the words an operator needs when a value is refused.
_ACCEPTS = {
    "supabase_db_url": "a Postgres connection string (Supabase dashboard > Connect)",
    "mission_pipeline_env": "development or production",
    "mission_pipeline_data_dir": "a folder path",
    "openclaw_state_dir": "a folder path",
    "openclaw_gateway_id": "1 to 32 lowercase letters, digits, - or _ (unset: default)",
    "usage_timezone": "an IANA time zone name such as UTC or Europe/Berlin",
    "usage_start_date": "a date as YYYY-MM-DD",
    "pricing_file": "the path of a pricing TOML file",
    "auto_migrate": "true or false",
    "db_retry_delay_seconds": "a number of seconds from 0 to 3600",
    "run_retention_days": "a whole number of days, 0 or more (0 keeps every run)",
}
_SECRET_FIELDS = {"supabase_db_url", "supabase_service_role_key", "alert_webhook_url"}


def load_settings() -> Settings:
    """Settings from the environment and `.env`; SettingsError (one line per bad variable) if invalid."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(describe_errors(exc)) from None


def describe_errors(exc: ValidationError) -> str:
    """`NAME='value' is not valid: <why>; expected <what it accepts>`, one line per error, no secrets."""
    lines = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "settings"
        shown = "***" if field in _SECRET_FIELDS else repr(error.get("input"))
        why = str(error["msg"]).removeprefix("Value error, ")
        expected = f"; expected {_ACCEPTS[field]}" if field in _ACCEPTS else ""
        lines.append(f"{field.upper()}={shown} is not valid: {why}{expected}")
    return "\n".join(lines)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own Settings instead); SettingsError if invalid."""
    return load_settings()
