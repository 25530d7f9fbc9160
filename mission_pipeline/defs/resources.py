"""Resources shared by every domain: OpenClaw's state, the warehouse and its IO manager."""

from pathlib import Path

import dagster as dg

from mission_pipeline.openclaw.cli import find_openclaw_cli
from mission_pipeline.openclaw.state_dir import resolve_state_dir
from mission_pipeline.settings import get_settings
from mission_pipeline.warehouse.io_manager import PostgresPandasIOManager
from mission_pipeline.warehouse.resource import PostgresWarehouse

# Reaching the database can fail for a moment (a restart, a pooler hiccup): retry with backoff.
# Dagster waits (2^n - 1) * d +- d before retry n: about 5, 15 and 35 s (+-5), so a step rides out
# roughly a minute of outage before the run fails.
DATABASE_RETRY = dg.RetryPolicy(
    max_retries=3,
    delay=get_settings().db_retry_delay_seconds,  # DB_RETRY_DELAY_SECONDS, read at import
    backoff=dg.Backoff.EXPONENTIAL,
    jitter=dg.Jitter.PLUS_MINUS,
)


class OpenClawResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """OpenClaw's state directory and CLI, found the way OpenClaw itself finds them."""

    def state_dir(self) -> Path:
        """OPENCLAW_STATE_DIR, else $OPENCLAW_HOME/.openclaw, else ~/.openclaw."""
        configured = get_settings().openclaw_state_dir
        return configured.expanduser() if configured is not None else resolve_state_dir()

    def cli_command(self) -> list[str] | None:
        """The OpenClaw CLI when installed (and not turned off with OPENCLAW_CLI=off)."""
        return find_openclaw_cli(get_settings().openclaw_cli)


def shared_resources() -> dict[str, object]:
    """The resources every job uses; one warehouse so the target is resolved once per run."""
    warehouse = PostgresWarehouse()
    return {
        "warehouse": warehouse,
        "io_manager": PostgresPandasIOManager(warehouse=warehouse),
        "openclaw": OpenClawResource(),
    }
