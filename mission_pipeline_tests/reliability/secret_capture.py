"""Everything the pipeline shows an operator, gathered for a secrets search.

`Captured` collects named texts: command output (in process through `cli.main`, or a real child
process), every Python log record, each Dagster run of an instance with its events serialized
(messages, errors with causes and stacks, materialization metadata), each file under DAGSTER_HOME,
and the run-failure alert sensor's log and webhook requests (headers and body).
"""

from __future__ import annotations

import contextlib
import http.server
import io
import logging
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import dagster as dg
from dagster._serdes import serialize_value

from mission_pipeline.cli import main
from mission_pipeline.settings import get_settings
from mission_pipeline_tests.fixtures.secret_passwords import leaks

COMMANDS = (["migrate"], ["run"], ["doctor"], ["embedded", "status"])
CLI = Path(sys.executable).with_name("mission-pipeline")


@dataclass
class Captured:
    """Named texts to search; `leaks` lists which fragment was found where."""

    texts: dict[str, str] = field(default_factory=dict)

    def add(self, source: str, text: str) -> None:
        self.texts[f"{len(self.texts):03d} {source}"] = text

    def leaks(self, fragments: set[str]) -> list[str]:
        return [
            f"{hit!r} in {source}" for source, text in self.texts.items() for hit in leaks(text, fragments)
        ]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.levelname} {record.getMessage()}")
        if record.exc_info:
            self.lines.append("".join(traceback.format_exception(*record.exc_info)))


@contextlib.contextmanager
def python_logs(captured: Captured, label: str) -> Iterator[None]:
    """Every Python log record of the block, at DEBUG and up."""
    root, handler = logging.getLogger(), _Records()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        captured.add(f"{label}: python log", "\n".join(handler.lines))


def command(argv: list[str], captured: Captured, label: str) -> tuple[int, str, str]:
    """`mission-pipeline <argv>` in this process; its status, stdout and stderr (a traceback included,
    as the console script would print it)."""
    out, err = io.StringIO(), io.StringIO()
    get_settings.cache_clear()
    logs = python_logs(captured, f"{label}: {' '.join(argv)}")
    with logs, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
            print(exc.code, file=sys.stderr)
        except Exception:
            status = 1
            traceback.print_exc()
    get_settings.cache_clear()
    captured.add(f"{label}: {' '.join(argv)}: stdout", out.getvalue())
    captured.add(f"{label}: {' '.join(argv)}: stderr", err.getvalue())
    return status, out.getvalue(), err.getvalue()


def child(
    argv: list[str], env: Mapping[str, str], captured: Captured, label: str, cwd: Path
) -> tuple[int, str, str]:
    """A real child process (`argv`), its output captured; its exit status, stdout and stderr."""
    done = subprocess.run(argv, env=dict(env), capture_output=True, cwd=cwd, timeout=600, check=False)
    out, err = done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")
    captured.add(f"{label}: {' '.join(argv[-2:])}: stdout", out)
    captured.add(f"{label}: {' '.join(argv[-2:])}: stderr", err)
    return done.returncode, out, err


def runs_and_files(home: Path, captured: Captured, label: str) -> dict[str, dg.DagsterRunStatus]:
    """Every run of the instance in `home` (run, tags, config, events) and every file under `home`."""
    statuses: dict[str, dg.DagsterRunStatus] = {}
    with dg.DagsterInstance.from_config(str(home)) as instance:
        for record in instance.get_run_records():
            run = record.dagster_run
            statuses[run.run_id] = run.status
            captured.add(f"{label}: run {run.run_id[:8]}", serialize_value(run))
            events = "\n".join(serialize_value(e) for e in instance.all_logs(run.run_id))
            captured.add(f"{label}: run {run.run_id[:8]} events", events)
    for path in sorted(home.rglob("*")):
        if path.is_file():
            captured.add(f"{label}: file {path.relative_to(home)}", path.read_bytes().decode("latin-1"))
    return statuses


def alert_on_failed_run(instance: dg.DagsterInstance, run: dg.DagsterRun, handler: logging.Handler) -> bool:
    """The project's run-failure alert sensor on `run`, as the daemon runs it, logging to `handler`.

    The webhook is the one the Definitions configure (ALERT_WEBHOOK_URL through dg.EnvVar), read from
    this process's environment. False when the run has no failure event to alert on.
    """
    from mission_pipeline.defs.env_resources import resources_from_env
    from mission_pipeline.defs.ops.alerts import run_failure_alert_sensor

    failure = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    if not failure or failure[0].dagster_event is None:
        return False
    context = dg.build_run_status_sensor_context(
        sensor_name=run_failure_alert_sensor.name,
        dagster_event=failure[0].dagster_event,
        dagster_instance=instance,
        dagster_run=run,
        resources={"alert_webhook": resources_from_env(get_settings())["alert_webhook"]},
    ).for_run_failure()
    context.log.addHandler(handler)
    run_failure_alert_sensor(context)
    return True


def alert(home: Path, run_ids: list[str], captured: Captured, label: str) -> int:
    """The project's run-failure alert sensor on each failed run of `run_ids`; how many it alerted."""
    handler, sent = _Records(), 0
    get_settings.cache_clear()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        for run_id in run_ids:
            run = instance.get_run_by_id(run_id)
            if run is not None and alert_on_failed_run(instance, run, handler):
                sent += 1
    get_settings.cache_clear()
    captured.add(f"{label}: alert sensor log", "\n".join(handler.lines))
    return sent


class Webhook(http.server.BaseHTTPRequestHandler):
    """A local alert endpoint recording what the pipeline sends (headers and body)."""

    received: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Webhook.received.append(f"{self.headers}\n{body.decode(errors='replace')}")
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def webhook_server() -> Iterator[str]:
    """Serve `Webhook` on a free local port; yields its URL."""
    Webhook.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/alerts/mission-pipeline"
    finally:
        server.shutdown()
        server.server_close()
