"""What every group of checks shares: the secrets to hide, the clock, the workspace file."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from mission_pipeline.doctor.findings import first_line
from mission_pipeline.redaction import redact, url_secrets


class CheckBase:
    """The state the checks share; each group of checks is a mixin of `Doctor`."""

    def __init__(self, *, workspace: Path | None = None, now: Callable[[], float] = time.time) -> None:
        self.workspace = workspace
        self.now = now
        # Known before the settings load, so even a settings error is shown without them.
        self.secrets: list[str] = url_secrets(os.environ.get("SUPABASE_DB_URL", ""))
        # Short ones too: redact() masks those as whole words only, so they garble nothing.
        for name in ("SUPABASE_SERVICE_ROLE_KEY", "ALERT_WEBHOOK_URL", "DAGSTER_PG_PASSWORD"):
            if os.environ.get(name):
                self.secrets.append(os.environ[name])

    def hide(self, text: str) -> str:
        """`text` with every secret this process knows masked."""
        return redact(text, self.secrets)

    def error(self, exc: BaseException) -> str:
        """An exception as one short line, secrets masked."""
        return self.hide(first_line(f"{type(exc).__name__}: {exc}", 300))
