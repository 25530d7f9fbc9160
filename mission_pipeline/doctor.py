"""`mission-pipeline doctor`: one screen telling an operator whether this deployment can do its job.

It says where the pipeline writes (password hidden) and whether that database has every migration,
which OpenClaw state directory and storage era it reads and which agents it found, and whether
Dagster's daemon is alive with the project's schedules and sensors running. It writes nothing to the
warehouse or to OpenClaw's state, never prints a secret, and exits non-zero when something is wrong.
"""

from __future__ import annotations

import os
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import parse_qsl, urlsplit

from mission_pipeline.redaction import redact, url_secrets
from mission_pipeline.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    import dagster as dg
    from dagster._core.scheduler.instigation import InstigatorState, InstigatorTick

    from mission_pipeline.warehouse.database import DatabaseTarget

Status = Literal["ok", "warn", "fail"]
# Every daemon thread writes a heartbeat about every 30 s; three missed ones mean it is not running.
HEARTBEAT_STALE_SECONDS = 120
DEFAULT_WORKSPACE = Path("workspace.yaml")
DEFAULT_MODULE = "mission_pipeline.definitions"
DEFAULT_LOCATION = "mission_pipeline"
_MARK: dict[Status, str] = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}


@dataclass(frozen=True)
class Finding:
    """One line of the report (plus indented detail lines) and how it stands."""

    topic: str
    status: Status
    summary: str
    details: tuple[str, ...] = ()


def _worst(statuses: Iterable[Status]) -> Status:
    found = set(statuses)
    return "fail" if "fail" in found else "warn" if "warn" in found else "ok"


def _ago(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{seconds:.0f} s ago"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.0f} h ago"
    return f"{seconds / 86400:.0f} days ago"


def _count(n: int, noun: str) -> str:
    return "" if not n else f"1 {noun}" if n == 1 else f"{n} {noun}s"


def _first_line(text: str, limit: int = 200) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = lines[0] if lines else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def supabase_connection_mode(url: str) -> str | None:
    """Which of Supabase's three connection strings `url` is, or None when it is not Supabase's."""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or ""), parts.port
        pgbouncer = dict(parse_qsl(parts.query)).get("pgbouncer", "").lower() == "true"
    except ValueError:
        return None
    if host.endswith(".pooler.supabase.com"):
        return "Supabase transaction pooler" if port == 6543 or pgbouncer else "Supabase session pooler"
    if host.endswith(".supabase.co"):
        return "Supabase direct connection"
    return None


def uses_transaction_pooler(url: str) -> bool:
    """True for a connection through a transaction pooler (Supabase's port 6543, or pgbouncer=true)."""
    try:
        parts = urlsplit(url)
        return parts.port == 6543 or dict(parse_qsl(parts.query)).get("pgbouncer", "").lower() == "true"
    except ValueError:
        return False


def describe_storage_url(url: str) -> tuple[str, bool]:
    """Dagster's storage URL as user@host:port/database, and whether it goes through a transaction pooler.

    Parsed as SQLAlchemy parses it (Dagster leaves "/" unescaped in passwords, which urllib misreads).
    """
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # SQLAlchemy raises its own ArgumentError; any failure means "cannot tell"
        return "postgresql://<unparsable URL>", False
    host = parsed.host or str(parsed.query.get("host") or "") or "local socket"
    port = f":{parsed.port}" if parsed.port else ""
    user = f"{parsed.username}@" if parsed.username else ""
    pooler = parsed.port == 6543 or str(parsed.query.get("pgbouncer", "")).lower() == "true"
    return f"{parsed.drivername}://{user}{host}{port}/{parsed.database or ''}", pooler


def sqlalchemy_driver(url: str) -> str | None:
    """The DBAPI driver SQLAlchemy picks for `url` (SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3)."""
    from sqlalchemy.engine import make_url

    try:
        return str(make_url(url).get_dialect().driver)
    except Exception:  # an unparsable URL or a driver that is not installed: not this check's business
        return None


class Doctor:
    """Runs every check once; `findings()` is the report, in the order an operator reads it."""

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

    # --- where the pipeline writes ---------------------------------------------------------------

    def database(self, settings: Settings) -> tuple[Finding, DatabaseTarget | None]:
        import psycopg

        from mission_pipeline.warehouse.database import DatabaseTarget, WarehouseError
        from mission_pipeline.warehouse.embedded import embedded_postgres_url

        url = settings.supabase_db_url.get_secret_value().strip() if settings.supabase_db_url else ""
        if url:
            try:
                target = DatabaseTarget.from_url(url, extra_secrets=tuple(self.secrets))
            except WarehouseError as exc:  # ambiguous or malformed: refused before connecting
                return Finding(
                    "database", "fail", "SUPABASE_DB_URL is unusable", (self.hide(str(exc)),)
                ), None
            mode = supabase_connection_mode(target.url)
        elif settings.is_production:
            return Finding(
                "database",
                "fail",
                "MISSION_PIPELINE_ENV=production but SUPABASE_DB_URL is not set",
                ("set it to the Supabase project's Postgres connection string (Dashboard > Connect)",),
            ), None
        else:
            with warnings.catch_warnings():  # platformdirs on hosts without XDG_RUNTIME_DIR
                warnings.simplefilter("ignore")
                running = embedded_postgres_url(settings.embedded_pgdata)
            if running is None:
                return Finding(
                    "database",
                    "warn",
                    f"embedded PostgreSQL in {settings.embedded_pgdata}: not running",
                    ("SUPABASE_DB_URL is not set; the first run starts it (make run, make dev)",),
                ), None
            target, mode = DatabaseTarget.from_url(running, embedded=True), "SUPABASE_DB_URL not set"
        try:
            with target.connect(connect_timeout=10) as conn:
                row = conn.execute("select current_user, current_setting('server_version')").fetchone()
        except (WarehouseError, psycopg.Error) as exc:
            return Finding("database", "fail", target.description, (self.hide(str(exc)),)), None
        user, version = row if row is not None else ("?", "?")
        details = [f"connected as {user}, PostgreSQL {str(version).split()[0]}"]
        if mode:
            details.append(mode + (" (fine for the pipeline's writes)" if target.transaction_pooler else ""))
        return Finding("database", "ok", target.description, tuple(details)), target

    def migrations(self, settings: Settings, target: DatabaseTarget | None) -> Finding:
        from mission_pipeline.warehouse.database import WarehouseError
        from mission_pipeline.warehouse.migrations import load_migrations, pending_migrations

        if target is None:
            return Finding("migrations", "warn", "not checked: no database reachable")
        try:
            known = load_migrations()
            pending = pending_migrations(target, known)
        except WarehouseError as exc:
            return Finding("migrations", "fail", "cannot read the migration ledger", (self.hide(str(exc)),))
        if not pending:
            latest = f"{known[-1].version}_{known[-1].name}" if known else "none"
            return Finding(
                "migrations", "ok", f"current: {len(known)} of {len(known)} applied (latest {latest})"
            )
        names = tuple(f"pending: {m.version}_{m.name}" for m in pending)
        summary = f"{len(pending)} of {len(known)} not applied"
        if settings.auto_migrate:
            hint = (
                "AUTO_MIGRATE=true applies them before the next run writes; or now: mission-pipeline migrate"
            )
            return Finding("migrations", "warn", summary, (*names, hint))
        return Finding("migrations", "fail", summary, (*names, "apply them: mission-pipeline migrate"))

    # --- what the pipeline reads -----------------------------------------------------------------

    def openclaw(self, settings: Settings) -> list[Finding]:
        from mission_pipeline.openclaw.agents import discover_agents
        from mission_pipeline.openclaw.cli import OpenClawCliError, find_openclaw_cli
        from mission_pipeline.openclaw.config import load_config
        from mission_pipeline.openclaw.cron.jobs import read_cron_jobs
        from mission_pipeline.openclaw.cron.store import cron_jobs_path
        from mission_pipeline.openclaw.problems import ProblemLog
        from mission_pipeline.openclaw.state_check import check_state_dir
        from mission_pipeline.openclaw.state_dir import locate_state_dir

        check = check_state_dir(locate_state_dir(settings.openclaw_state_dir))
        state_dir, where = check.path, str(check.location)
        if not check.ok:
            return [
                Finding("openclaw", "fail", f"{where}: {check.reason}"),
                Finding("agents", "fail", "none: no OpenClaw state directory to read"),
            ]
        era, era_status = self._storage_era(state_dir)
        # The config's problems are the agents' finding to report; it also says where cron lives.
        problems = ProblemLog(base=state_dir)
        config = load_config(state_dir, problems=problems)
        jobs_path = cron_jobs_path(state_dir, config)
        cron_problems = ProblemLog(base=state_dir)
        cron = read_cron_jobs(state_dir, cli_command=None, problems=cron_problems, jobs_path=jobs_path)
        shown_jobs_path = (
            jobs_path.relative_to(state_dir) if jobs_path.is_relative_to(state_dir) else jobs_path
        )
        cron_kind = {
            "sqlite": "SQLite (state/openclaw.sqlite)",
            "files": f"JSON files ({shown_jobs_path.as_posix()})",
            "none": "none found",
        }[cron.source]
        cron_line = f"cron store: {cron_kind}, {len(cron.jobs)} jobs" + (
            "" if cron.complete else " (incomplete)"
        )
        try:
            command = find_openclaw_cli(settings.openclaw_cli)
            cli_status: Status = "ok"
            cli = (
                f"OpenClaw CLI: {command[0]}"
                if command
                else f"OpenClaw CLI: not used ({settings.openclaw_cli})"
            )
        except OpenClawCliError as exc:
            cli_status, cli = "fail", str(exc)
        status = _worst([era_status, cli_status, "ok" if cron.complete else "warn"])
        details = (f"storage era: {era}", cron_line, *cron_problems.lines(2), cli)
        found = [Finding("openclaw", status, where, details)]

        agents = discover_agents(state_dir, config=config, problems=problems)
        names = ", ".join(a.id + (" (default)" if a.is_default else "") for a in agents)
        agent_status: Status = "ok" if agents and not problems else "warn"
        summary = f"{len(agents)}: {names or 'none'}"
        found.append(Finding("agents", agent_status, summary, tuple(problems.lines(3))))
        return found

    def _storage_era(self, state_dir: Path) -> tuple[str, Status]:
        from mission_pipeline.openclaw.transcripts.sources import list_transcript_sources

        sources = list_transcript_sources(state_dir)
        kinds = Counter(s.kind for s in sources)
        unreadable = [s.path for s in sources if s.fingerprint.startswith("unreadable")]
        counts = [
            _count(kinds["sqlite"], "agent database"),
            _count(kinds["jsonl"], "JSONL transcript"),
            _count(kinds["archive"], "archived transcript"),
        ]
        tally = ", ".join(c for c in counts if c)
        if kinds["sqlite"] and kinds["jsonl"]:
            era = f"SQLite (OpenClaw ≥ 2026.7.2) with JSONL files from before the upgrade: {tally}"
        elif kinds["sqlite"]:
            era = f"SQLite (OpenClaw ≥ 2026.7.2): {tally}"
        elif kinds["jsonl"] or kinds["archive"]:
            era = f"JSONL files (OpenClaw ≤ 2026.7.1): {tally}"
        else:
            return "no transcripts found yet", "warn"
        if unreadable:
            return f"{era}; unreadable: {', '.join(unreadable[:3])}", "fail"
        return era, "ok"

    # --- Dagster: instance, daemon, schedules and sensors ---------------------------------------

    def dagster(self, settings: Settings) -> list[Finding]:
        from dagster import DagsterInstance

        home = os.environ.get("DAGSTER_HOME", "").strip()
        if not home:
            return [
                Finding("dagster", "warn", "DAGSTER_HOME is not set: daemon, schedules, sensors not checked")
            ]
        if not Path(home, "dagster.yaml").is_file():
            return [Finding("dagster", "fail", f"DAGSTER_HOME={home}: no dagster.yaml there")]
        try:
            instance = DagsterInstance.from_config(home)
        except Exception as exc:  # a bad dagster.yaml or an unreachable storage database
            return [Finding("dagster", "fail", f"DAGSTER_HOME={home}: cannot open", (self._error(exc),))]
        with instance:
            try:
                found = [self._instance(instance, settings, home)]
                daemons, healthy = self._daemons(instance)
                found.append(daemons)
                found += self._automation(instance, healthy)
            except Exception as exc:  # the storage went away mid-check
                found = [Finding("dagster", "fail", f"DAGSTER_HOME={home}: cannot read", (self._error(exc),))]
        return found

    def _error(self, exc: BaseException) -> str:
        return self.hide(_first_line(f"{type(exc).__name__}: {exc}", 300))

    def _instance(self, instance: dg.DagsterInstance, settings: Settings, home: str) -> Finding:
        from dagster._core.run_coordinator import QueuedRunCoordinator

        status: Status = "ok"
        details: list[str] = []
        url = getattr(instance.run_storage, "postgres_url", None)
        if isinstance(url, str):
            shown, pooler = describe_storage_url(url)
            storage = f"storage on Postgres: {shown}"
            if pooler:
                status = "fail"
                details.append(
                    "Dagster's storage is on a transaction pooler (port 6543): use the direct connection "
                    "or the session pooler (port 5432)"
                )
            if sqlalchemy_driver(url) == "psycopg":
                status = "fail"
                details.append(
                    "Dagster's storage would use psycopg 3, on which dagster-postgres cannot write events: "
                    "set the scheme to postgresql+psycopg2 (deploy/dagster.production.yaml)"
                )
        else:
            storage = f"storage: {type(instance.run_storage).__name__} in {home}"
            if settings.is_production:
                status = "warn"
                details.append(
                    "production keeps Dagster's storage on Postgres: deploy/dagster.production.yaml"
                )
        queue = instance.get_concurrency_config().run_queue_config
        limits = queue.tag_concurrency_limits if queue is not None else []
        if not isinstance(instance.run_coordinator, QueuedRunCoordinator):
            status = _worst([status, "warn"])
            details.append("runs are not queued: no concurrency limits (use QueuedRunCoordinator)")
        elif not any(limit.get("key") == "dagster/partition" for limit in limits):
            status = _worst([status, "warn"])
            details.append("no dagster/partition concurrency limit: two runs of one day may write at once")
        else:
            max_runs = queue.max_concurrent_runs if queue is not None else "?"
            details.append(f"run queue: at most {max_runs} runs, one per partition")
        return Finding("dagster", status, f"DAGSTER_HOME={home}, {storage}", tuple(details))

    def _daemons(self, instance: dg.DagsterInstance) -> tuple[Finding, set[str]]:
        required = list(instance.get_required_daemon_types())
        beats = instance.get_daemon_heartbeats()
        now = self.now()
        ages = {kind: now - beats[kind].timestamp for kind in required if kind in beats}
        healthy = {kind for kind, age in ages.items() if age <= HEARTBEAT_STALE_SECONDS}
        if not ages:
            return Finding(
                "daemon",
                "fail",
                "not running: no daemon heartbeat in this instance",
                ("start it: systemctl start mission-pipeline-daemon (or make dev)",),
            ), healthy
        silent = sorted(set(required) - healthy)
        errors = [
            f"{kind}: {self.hide(_first_line(error.message))}"
            for kind in sorted(healthy)
            for error in (beats[kind].errors or [])[:1]
        ]
        if silent:
            newest = _ago(min(ages.values()))
            which = f"all {len(required)} daemons" if not healthy else ", ".join(silent)
            summary = f"not running: no heartbeat from {which} (newest {newest})"
            return Finding("daemon", "fail", summary, tuple(errors)), healthy
        summary = f"running: {len(required)} daemons, heartbeats {_ago(max(ages.values()))} or newer"
        return Finding("daemon", "warn" if errors else "ok", summary, tuple(errors)), healthy

    def _automation(self, instance: dg.DagsterInstance, healthy: set[str]) -> list[Finding]:
        try:
            location, repo = load_code_location(self.workspace)
        except Exception as exc:  # the code location the daemon loads does not load
            return [Finding("schedules", "fail", "code location does not load", (self._error(exc),))]
        states: dict[str, list[InstigatorState]] = {}
        for state in instance.all_instigator_state():
            if state.origin.repository_origin.code_location_origin.location_name == location:
                states.setdefault(state.instigator_name, []).append(state)
        schedules = [(s.name, s.default_status.value) for s in repo.schedule_defs]
        sensors = [(s.name, s.default_status.value) for s in repo.sensor_defs]
        return [
            self._instigators(instance, "schedules", schedules, states, "SCHEDULER" in healthy),
            self._instigators(instance, "sensors", sensors, states, "SENSOR" in healthy),
        ]

    def _instigators(
        self,
        instance: dg.DagsterInstance,
        topic: str,
        defined: Sequence[tuple[str, str]],
        states: dict[str, list[InstigatorState]],
        daemon_alive: bool,
    ) -> Finding:
        from dagster._core.scheduler.instigation import InstigatorStatus, TickStatus

        lines: list[str] = []
        statuses: list[Status] = []
        width = max((len(name) for name, _ in defined), default=0)
        on = 0
        for name, default in sorted(defined):
            state, tick = _latest_state(instance, states.get(name, []))
            if state is not None and state.status == InstigatorStatus.RUNNING:
                running, why = True, "started in the UI"
            elif state is not None and state.status == InstigatorStatus.STOPPED:
                running, why = False, "stopped in the UI"
            else:
                running, why = default == "RUNNING", "as in code"
            last = "no tick yet"
            if tick is not None:
                last = f"last tick {_ago(self.now() - tick.timestamp)}: {tick.status.value.lower()}"
            line = f"{name:<{width}}  {'on ' if running else 'off'} ({why}), {last}"
            status: Status = "ok"
            if not running and default == "RUNNING":
                status, line = "fail", f"{line}; start it in the UI (Automation)"
            elif tick is not None and tick.status == TickStatus.FAILURE:
                error = tick.error.message if tick.error is not None else "no message"
                status, line = "warn", f"{line}: {self.hide(_first_line(error))}"
            on += running
            statuses.append(status)
            lines.append(line)
        if daemon_alive:
            summary = f"{on} of {len(defined)} running"
        else:
            summary = f"none running: the daemon is down ({on} of {len(defined)} switched on)"
            statuses.append("fail" if on else "ok")
        return Finding(topic, _worst(statuses), summary, tuple(lines))


def _latest_state(
    instance: dg.DagsterInstance, states: Sequence[InstigatorState]
) -> tuple[InstigatorState | None, InstigatorTick | None]:
    """Of the stored states of one name (one per origin its code was loaded from), the latest to tick."""
    best: tuple[InstigatorState | None, InstigatorTick | None] = (None, None)
    for state in states:
        ticks = instance.get_ticks(state.instigator_origin_id, state.selector_id, limit=1)
        tick = ticks[0] if ticks else None
        if best[0] is None or (tick is not None and (best[1] is None or tick.timestamp > best[1].timestamp)):
            best = (state, tick)
    return best


def load_code_location(workspace: Path | None) -> tuple[str, dg.RepositoryDefinition]:
    """The project's code location as the webserver and daemon load it from `workspace`.

    None: ./workspace.yaml when there is one, else the project's module.
    """
    import dagster as dg
    from dagster._core.code_pointer import load_python_module
    from dagster._core.workspace.autodiscovery import loadable_targets_from_python_module
    from dagster_shared.yaml_utils import load_yaml_from_path

    module_name, attribute, location, directory = DEFAULT_MODULE, "", DEFAULT_LOCATION, None
    if workspace is not None and not workspace.is_file():
        # Named explicitly: loading the default module instead would check something else.
        raise FileNotFoundError(f"{workspace}: no such workspace file")
    workspace = workspace or (DEFAULT_WORKSPACE if DEFAULT_WORKSPACE.is_file() else None)
    if workspace is not None:
        config = load_yaml_from_path(str(workspace))
        entries = config.get("load_from", []) if isinstance(config, dict) else []
        modules = [e["python_module"] for e in entries if isinstance(e, dict) and "python_module" in e]
        if not modules:
            raise ValueError(f"{workspace}: no python_module entry under load_from")
        entry = modules[0] if isinstance(modules[0], dict) else {"module_name": modules[0]}
        module_name = str(entry["module_name"])
        attribute = str(entry.get("attribute") or "")
        location = str(entry.get("location_name") or module_name)
        directory = str(entry.get("working_directory") or workspace.resolve().parent)
    if attribute:
        target: object = getattr(load_python_module(module_name, directory), attribute)
    else:
        (loadable,) = loadable_targets_from_python_module(module_name, directory)
        target = loadable.target_definition
    if isinstance(target, dg.Definitions):
        return location, target.get_repository_def()
    if isinstance(target, dg.RepositoryDefinition):
        return location, target
    raise TypeError(f"{module_name}: {type(target).__name__} is not a Definitions object")


def render(findings: Sequence[Finding], hide: Callable[[str], str] = lambda text: text) -> str:
    """The report: one line per finding, details indented under it, and a verdict."""
    width = max((len(f.topic) for f in findings), default=8)
    out = ["mission-pipeline doctor"]
    for finding in findings:
        out.append(f"  {_MARK[finding.status]}  {finding.topic:<{width}}  {finding.summary}")
        out += [f"  {'':4}  {'':<{width}}    {line}" for line in finding.details]
    counts = Counter(f.status for f in findings)
    verdict = "something is wrong" if counts["fail"] else "all good" if not counts["warn"] else "working"
    out.append(f"{verdict}: {counts['ok']} ok, {counts['warn']} warnings, {counts['fail']} failures")
    return hide("\n".join(out))


def run(workspace: Path | None = None) -> tuple[str, int]:
    """The report and the exit status (1 when any check failed)."""
    doctor = Doctor(workspace=workspace)
    findings = doctor.findings()
    return render(findings, doctor.hide), int(any(f.status == "fail" for f in findings))
