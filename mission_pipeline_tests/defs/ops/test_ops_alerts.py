"""run_failure_alert_sensor on a real failed cron_job run: the log, a real webhook, secrets kept out;
and silence for a failed run of a job that is not tagged monitored."""

import json
import logging
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from mission_pipeline.defs.ops.alerts import run_failure_alert_sensor
from mission_pipeline.defs.resources import AlertWebhookResource
from mission_pipeline_tests.defs.project import ProjectRuns

PASSWORD = "Sup3r-S3cret-pw-4711"


class Webhook:
    """A local HTTP endpoint that records the JSON bodies POSTed to it and answers `status`."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = 200
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                webhook.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(webhook.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:  # keep the test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/alert"


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    """A webhook server for one test; it shuts itself down after 60 s whatever happens."""
    hook = Webhook()
    thread = threading.Thread(target=hook.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    deadline = threading.Timer(60, hook.server.shutdown)
    deadline.start()
    yield hook
    deadline.cancel()
    hook.server.shutdown()
    hook.server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def failed_run(
    project: ProjectRuns, environment: Callable[..., None], tmp_path: Path
) -> dg.ExecuteInProcessResult:
    """A real failed cron_job run whose error text quotes the database password (via a path)."""
    project.resources.state_dir = tmp_path / PASSWORD / "state"
    result = project.run("cron_job")
    assert not result.success
    # From here on the process knows the password as part of SUPABASE_DB_URL, as in production: the
    # alert masks every secret the environment holds.
    environment(SUPABASE_DB_URL=f"postgresql://pipeline:{PASSWORD}@db.example.invalid:5432/postgres")
    return result


class Recorder(logging.Handler):
    """Keeps every record logged to it."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def evaluate(
    instance: dg.DagsterInstance, result: dg.ExecuteInProcessResult, webhook_url: str | None = None
) -> list[logging.LogRecord]:
    """Run the sensor on the run's failure event, posting to `webhook_url` if given; what it logged."""
    context = dg.build_run_status_sensor_context(
        sensor_name=run_failure_alert_sensor.name,
        dagster_event=result.get_run_failure_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        resources={"alert_webhook": AlertWebhookResource(url=webhook_url)},
    )
    handler = Recorder()
    context.log.addHandler(handler)
    run_failure_alert_sensor(context)
    return handler.records


def test_a_failed_run_is_logged_and_posted_without_secrets(
    failed_run: dg.ExecuteInProcessResult,
    instance: dg.DagsterInstance,
    webhook: Webhook,
) -> None:
    records = evaluate(instance, failed_run, webhook.url)
    run_id = failed_run.run_id
    errors = [r.getMessage() for r in records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert f"run {run_id[:8]} of cron_job failed" in errors[0]
    assert "no such directory" in errors[0]  # the step's own error, not just "steps failed"
    (body,) = webhook.bodies
    assert (body["job"], body["run_id"]) == ("cron_job", run_id)
    assert "step cron_job" in body["text"]  # cron_jobs or cron_job_runs, whichever failed first
    assert PASSWORD not in json.dumps(body)
    assert "/***/state" in body["text"]  # the error did quote it: masked, not dropped
    assert PASSWORD not in "".join(r.getMessage() for r in records)


def test_without_a_webhook_only_the_log(
    failed_run: dg.ExecuteInProcessResult, instance: dg.DagsterInstance, webhook: Webhook
) -> None:
    records = evaluate(instance, failed_run)
    assert [r.levelno for r in records] == [logging.ERROR]
    assert webhook.bodies == []


@pytest.mark.parametrize("answer", ["500", "refused"])
def test_a_webhook_that_fails_does_not_raise(
    answer: str,
    failed_run: dg.ExecuteInProcessResult,
    instance: dg.DagsterInstance,
    webhook: Webhook,
) -> None:
    webhook.status = 500
    url = webhook.url
    if answer == "refused":  # nothing listens on that port any more
        webhook.server.shutdown()
        webhook.server.server_close()
    records = evaluate(instance, failed_run, url)
    warnings = [r.getMessage() for r in records if r.levelno == logging.WARNING]
    assert warnings == [
        f"alert webhook did not accept the message ({'HTTP 500' if answer == '500' else 'URLError'})"
    ]
    assert url not in "".join(r.getMessage() for r in records)


def test_a_failed_run_of_an_unmonitored_job_alerts_nobody(
    instance: dg.DagsterInstance, webhook: Webhook
) -> None:
    @dg.op
    def breaks() -> None:
        raise RuntimeError("this run fails on purpose")

    @dg.job(name="unmonitored_job")  # no mission_pipeline/monitored tag
    def unmonitored_job() -> None:
        breaks()

    result = unmonitored_job.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    records = evaluate(instance, result, webhook.url)
    assert records == []
    assert webhook.bodies == []
