"""`mission-pipeline doctor`: one screen telling an operator whether this deployment can do its job.

It says where the pipeline writes (password hidden) and whether that database has every migration,
which OpenClaw state directory and storage era it reads and which agents it found, and whether
Dagster's daemon is alive with the project's schedules and sensors running. It writes nothing to the
warehouse or to OpenClaw's state, never prints a secret, and exits non-zero when something is wrong.
"""

from __future__ import annotations

from pathlib import Path

from mission_pipeline.doctor.connection_urls import (
    describe_storage_url,
    sqlalchemy_driver,
    supabase_connection_mode,
    uses_transaction_pooler,
)
from mission_pipeline.doctor.dagster_checks import DagsterChecks
from mission_pipeline.doctor.database_checks import DatabaseChecks
from mission_pipeline.doctor.findings import Finding, render
from mission_pipeline.doctor.openclaw_checks import OpenClawChecks
from mission_pipeline.settings import SettingsError, load_settings

__all__ = [
    "Doctor",
    "Finding",
    "describe_storage_url",
    "render",
    "run",
    "sqlalchemy_driver",
    "supabase_connection_mode",
    "uses_transaction_pooler",
]


class Doctor(DatabaseChecks, OpenClawChecks, DagsterChecks):
    """Runs every check once; `findings()` is the report, in the order an operator reads it."""

    def findings(self) -> list[Finding]:
        try:
            settings = load_settings()
        except SettingsError as exc:  # one line per variable, naming what it accepts
            return [Finding("settings", "fail", "invalid settings", tuple(self.hide(str(exc)).splitlines()))]
        self.secrets += settings.secret_values()
        found: list[Finding] = []
        if self.workspace is not None and not self.workspace.is_file():
            found.append(
                Finding("workspace", "fail", f"{self.workspace}: no such file (given with --workspace)")
            )
        database, target = self.database(settings)
        found.append(database)
        found.append(self.migrations(settings, target))
        found += self.openclaw(settings)
        found += self.dagster(settings)
        return found


def run(workspace: Path | None = None) -> tuple[str, int]:
    """The report and the exit status (1 when any check failed)."""
    doctor = Doctor(workspace=workspace)
    findings = doctor.findings()
    return render(findings, doctor.hide), int(any(f.status == "fail" for f in findings))
