"""Resources shared by every domain: OpenClaw's state, the warehouse and its IO manager."""

import datetime as dt
from pathlib import Path

import dagster as dg
from pydantic import Field, field_validator

from mission_pipeline.gateways import DEFAULT_GATEWAY, check_gateway_id
from mission_pipeline.openclaw.cli import find_openclaw_cli
from mission_pipeline.openclaw.state_check import StateDirCheck, check_state_dir
from mission_pipeline.openclaw.state_dir import StateDirLocation, expand_path, locate_state_dir
from mission_pipeline.pricing.catalog import Pricing
from mission_pipeline.warehouse.io_manager import PostgresPandasIOManager
from mission_pipeline.warehouse.resource import PostgresWarehouse


class OpenClawResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """OpenClaw's state directory and CLI; unset, they are found the way OpenClaw itself finds them.

    The definitions feed these fields from the environment (`defs/env_resources.py`); tests and
    `mission-pipeline run` set them directly.
    """

    state_dir: str | None = Field(
        default=None,
        description="OpenClaw's state directory (OPENCLAW_STATE_DIR). Unset: as OpenClaw resolves it, "
        "$OPENCLAW_HOME/.openclaw, else ~/.openclaw.",
    )
    state_dir_origin: str = Field(
        default="set on the openclaw resource",
        description="Where state_dir came from, named in every message about the directory.",
    )
    cli: str = Field(
        default="auto",
        description='OpenClaw\'s CLI (OPENCLAW_CLI): "auto" (openclaw on PATH), "off", or the path of '
        "the openclaw executable.",
    )
    read_workers: int = Field(
        default=0,
        ge=0,
        description="Processes that parse transcripts for a read longer than a week, such as a "
        "backfill (OPENCLAW_READ_WORKERS): 0 is one per usable core, 1 reads in the step's own process.",
    )
    gateway_id: str = Field(
        default=DEFAULT_GATEWAY,
        description="The gateway these files belong to (OPENCLAW_GATEWAY_ID): every row read from them "
        "records it, and a sync removes only this gateway's rows.",
    )

    @field_validator("gateway_id")
    @classmethod
    def _gateway_id(cls, value: str) -> str:
        return check_gateway_id(value)

    def location(self) -> StateDirLocation:
        """The state directory and where that choice came from (OPENCLAW_STATE_DIR, OPENCLAW_HOME, ...)."""
        if self.state_dir:
            return StateDirLocation(expand_path(self.state_dir), self.state_dir_origin, True)
        return locate_state_dir()

    def state_dir_path(self) -> Path:
        """The state directory this resource reads."""
        return self.location().path

    def check(self) -> StateDirCheck:
        """Whether the state directory is OpenClaw's and readable, and if not, why."""
        return check_state_dir(self.location())

    def cli_command(self) -> list[str] | None:
        """The OpenClaw CLI when installed (and not turned off with cli="off")."""
        return find_openclaw_cli(self.cli)


class PricingResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The price table the usage costs come from."""

    pricing_file: str | None = Field(
        default=None,
        description="A pricing TOML replacing the shipped prices.toml (PRICING_FILE); genai-prices "
        "prices what neither lists.",
    )

    def load(self) -> Pricing:
        """The table (read at each run, so an edited file applies to the next run)."""
        return Pricing.load(Path(self.pricing_file) if self.pricing_file else None)


class AlertWebhookResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """Where failed runs are reported besides the log: a Slack-compatible incoming webhook."""

    # A secret (the URL carries its token): the definitions feed it by dg.EnvVar, so the UI shows
    # the variable's name only.
    url: str | None = Field(default=None, description="ALERT_WEBHOOK_URL; unset: the log only.")
    ui_url: str | None = Field(
        default=None,
        description="DAGSTER_UI_URL: the Dagster UI's address as its readers reach it; set, spend alerts "
        "link to the asset they are about.",
    )

    def asset_link(self, key: dg.AssetKey) -> str | None:
        """The UI page of asset `key`, when the UI's address is known."""
        return f"{self.ui_url.rstrip('/')}/assets/{'/'.join(key.path)}" if self.ui_url else None


class UsageClockResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The moment spend is judged at: the current budget period and the day checked for unusual spend."""

    as_of: str | None = Field(
        default=None,
        description="An ISO 8601 time with its offset; unset: now. Set to replay a past moment.",
    )

    def now(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.as_of) if self.as_of else dt.datetime.now(dt.UTC)


class RunRetentionResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """How long the finished runs of the frequent jobs are kept."""

    keep_days: int = Field(
        default=14, ge=0, description="Days of finished frequent runs kept (RUN_RETENTION_DAYS; 0 keeps all)."
    )


def require_state_dir(openclaw: OpenClawResource, table: str) -> Path:
    """The state directory, or a failure that says why nothing was read and `table` was left alone.

    Not retried: waiting does not fix a path (a volume mounted later is read by the next run).
    """
    check = openclaw.check()
    if not check.ok:
        raise dg.Failure(
            description=check.refusal(f"nothing was read and {table} was left as it is"),
            metadata={"state_dir": str(check.path), "status": check.status},
            allow_retries=False,
        )
    return check.path


def shared_resources(
    openclaw: OpenClawResource | None = None,
    warehouse: PostgresWarehouse | None = None,
    *,
    pricing: PricingResource | None = None,
    alert_webhook: AlertWebhookResource | None = None,
    run_retention: RunRetentionResource | None = None,
    usage_clock: UsageClockResource | None = None,
) -> dict[str, object]:
    """Every resource of the definitions, defaults where not given; one warehouse so the target is
    resolved once per run."""
    warehouse = warehouse or PostgresWarehouse()
    return {
        "warehouse": warehouse,
        "io_manager": PostgresPandasIOManager(warehouse=warehouse),
        "openclaw": openclaw or OpenClawResource(),
        "pricing": pricing or PricingResource(),
        "alert_webhook": alert_webhook or AlertWebhookResource(),
        "run_retention": run_retention or RunRetentionResource(),
        "usage_clock": usage_clock or UsageClockResource(),
    }
