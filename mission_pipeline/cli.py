"""The `mission-pipeline` command: migrate, run once, manage the embedded database, check the setup."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from mission_pipeline.settings import get_settings


def _migrate(_args: argparse.Namespace) -> int:
    from mission_pipeline.warehouse.database import resolve_target
    from mission_pipeline.warehouse.migrations import apply_migrations

    settings = get_settings()
    url = settings.supabase_db_url.get_secret_value() if settings.supabase_db_url else None
    target = resolve_target(
        url,
        production=settings.is_production,
        embedded_pgdata=settings.embedded_pgdata,
        extra_secrets=tuple(settings.secret_values()),
    )
    print(f"Migrating {target.description}")
    report = apply_migrations(target, log=print)
    if report.bootstrapped_supabase_roles:
        print("Created Supabase's roles and auth.jwt() (plain PostgreSQL)")
    for label in report.changed_since_applied:
        print(f"warning: {label} changed after it was applied; its new text was not run")
    print(f"{len(report.applied)} applied, {report.already_applied} already applied")
    return 0


def _run(_args: argparse.Namespace) -> int:
    from mission_pipeline.report import summary
    from mission_pipeline.run_once import choose_source, run_everything
    from mission_pipeline.warehouse.resource import PostgresWarehouse, open_warehouse

    settings = get_settings()
    # The state directory first: a wrong one stops the run before any database is touched.
    source = choose_source(settings, print)
    warehouse = PostgresWarehouse.from_settings(settings, embedded_database=source.embedded_database)
    target = open_warehouse(warehouse, log=print)
    results = run_everything(settings, source, print)
    print()
    print(summary(target))
    failed = [job for job, ok in results.items() if not ok]
    if failed:
        print(f"\nFailed: {', '.join(failed)} (see the run logs: `make dev`, then Runs)", file=sys.stderr)
    return 1 if failed else 0


def _embedded(args: argparse.Namespace) -> int:
    from mission_pipeline.warehouse.embedded import (
        embedded_postgres_url,
        start_embedded_postgres,
        stop_embedded_postgres,
    )

    pgdata = get_settings().embedded_pgdata
    if args.action == "start":
        print(start_embedded_postgres(pgdata))
    elif args.action == "stop":
        print("stopped" if stop_embedded_postgres(pgdata) else "not running")
    else:
        url = embedded_postgres_url(pgdata)
        print(f"running: {url}" if url else f"not running (data in {pgdata})")
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from mission_pipeline.doctor import run

    report, status = run(args.workspace)
    print(report)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = argparse.ArgumentParser(prog="mission-pipeline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply pending SQL migrations").set_defaults(func=_migrate)
    commands.add_parser("run", help="materialize everything once and print the tables").set_defaults(
        func=_run
    )
    embedded = commands.add_parser(
        "embedded", help="the embedded PostgreSQL (the default without SUPABASE_DB_URL)"
    )
    embedded.add_argument("action", choices=["start", "stop", "status"])
    embedded.set_defaults(func=_embedded)
    doctor = commands.add_parser(
        "doctor", help="check the database, migrations, OpenClaw state, daemon, schedules and sensors"
    )
    doctor.add_argument(
        "--workspace",
        type=Path,
        default=None,
        help="the workspace.yaml the webserver and daemon load (default: ./workspace.yaml if present)",
    )
    doctor.set_defaults(func=_doctor)
    args = parser.parse_args(argv)
    # backfill_policy is "beta" in Dagster 1.13; the issue asks for it, the warning helps no operator.
    from dagster import BetaWarning

    warnings.filterwarnings("ignore", category=BetaWarning)
    try:
        return int(args.func(args))
    except Exception as exc:  # a clear one-line reason instead of a traceback wall
        from mission_pipeline.openclaw.state_check import StateDirRefused
        from mission_pipeline.settings import SettingsError
        from mission_pipeline.warehouse.database import WarehouseError

        if isinstance(exc, WarehouseError | StateDirRefused | SettingsError):
            print(f"mission-pipeline: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    raise SystemExit(main())
