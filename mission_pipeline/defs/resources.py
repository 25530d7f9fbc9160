"""Resources shared by every domain: OpenClaw's state, the warehouse and its IO manager."""

from pathlib import Path

import dagster as dg
from pydantic import Field

from mission_pipeline.openclaw.cli import find_openclaw_cli
from mission_pipeline.openclaw.state_check import StateDirCheck, check_state_dir
from mission_pipeline.openclaw.state_dir import StateDirLocation, locate_state_dir
from mission_pipeline.settings import get_settings
from mission_pipeline.warehouse.io_manager import PostgresPandasIOManager
from mission_pipeline.warehouse.resource import PostgresWarehouse


class OpenClawResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """OpenClaw's state directory and CLI, found the way OpenClaw itself finds them."""

    state_dir_override: str | None = Field(
        default=None,
        description="Read this state directory instead of OPENCLAW_STATE_DIR / OpenClaw's default.",
    )
    override_origin: str = Field(
        default="set on the openclaw resource", description="Where the override came from, for messages."
    )

    def location(self) -> StateDirLocation:
        """The state directory and where that choice came from (OPENCLAW_STATE_DIR, OPENCLAW_HOME, ...)."""
        if self.state_dir_override:
            return StateDirLocation(Path(self.state_dir_override), self.override_origin, True)
        return locate_state_dir(get_settings().openclaw_state_dir)

    def state_dir(self) -> Path:
        """OPENCLAW_STATE_DIR, else $OPENCLAW_HOME/.openclaw, else ~/.openclaw."""
        return self.location().path

    def check(self) -> StateDirCheck:
        """Whether the state directory is OpenClaw's and readable, and if not, why."""
        return check_state_dir(self.location())

    def cli_command(self) -> list[str] | None:
        """The OpenClaw CLI when installed (and not turned off with OPENCLAW_CLI=off)."""
        return find_openclaw_cli(get_settings().openclaw_cli)


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
    openclaw: OpenClawResource | None = None, warehouse: PostgresWarehouse | None = None
) -> dict[str, object]:
    """The resources every job uses; one warehouse so the target is resolved once per run."""
    warehouse = warehouse or PostgresWarehouse()
    return {
        "warehouse": warehouse,
        "io_manager": PostgresPandasIOManager(warehouse=warehouse),
        "openclaw": openclaw or OpenClawResource(),
    }
