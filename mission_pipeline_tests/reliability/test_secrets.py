"""No secret in anything a run leaves behind, whether it fails or succeeds.

With a recognisable database password (characters a URL must percent-encode), a fake service-role key
and a webhook URL with a token in the environment, real runs in their own processes on a Dagster
instance (DAGSTER_HOME) and a PostgreSQL of the test's own with password logins:

* failing: wrong port, wrong password (itself a secret), the database stopped in the middle of the
  ledger write; succeeding: a run of the script, and `dagster asset materialize` (the CLI);
* then the project's run-failure alert sensor for every failed run, POSTing to a local webhook.

Searched, case-insensitively, for every secret raw, percent-encoded (quote and quote_plus), and the
full connection strings: each process's stdout and stderr; every Python log record at DEBUG and up;
every byte under DAGSTER_HOME (run and event-log databases, compute logs); every event of every run
read back from the instance (messages, metadata, errors with their causes and stacks) and each run's
tags and config, serialized; the webhook requests (headers and body); the alert sensor's log.
Zero hits required.
"""

from __future__ import annotations

import http.server
import logging
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, quote_plus

import dagster as dg
import psycopg
import pytest
from dagster._serdes import serialize_value

from mission_pipeline.openclaw.relocate import copy_state_dir
from mission_pipeline.sample import SAMPLE_STATE
from mission_pipeline.settings import get_settings
from mission_pipeline_tests.fixtures.fake_secrets import fake_service_role_key
from mission_pipeline_tests.reliability.conftest import PASSWORD, ROLE, BulkStates
from mission_pipeline_tests.reliability.harness import (
    REPO,
    SLOW_AT_FULL_SIZE,
    OwnServer,
    create_database,
    drop_database,
    record,
    subprocess_env,
    with_database,
    write_activity,
)
from mission_pipeline_tests.reliability.secret_capture import alert_on_failed_run

pytestmark = SLOW_AT_FULL_SIZE

DAY = "2026-11-27"
WRONG_PASSWORD = "Wr0ng#RELIAB1LITY:pw/Guess%7q"
SERVICE_ROLE_KEY = fake_service_role_key()
WEBHOOK_TOKEN = "MP-WEBHOOK-TOKEN-4b8e2d91"
ASSETS = "openclaw_usage_events,agent_usage_by_model,agent_usage"


class _Webhook(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        # What the pipeline sends (headers and body); the path is the webhook URL itself.
        _Webhook.received.append(f"{self.headers}\n{body.decode(errors='replace')}")
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[str]:
    _Webhook.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Webhook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/{WEBHOOK_TOKEN}"
    finally:
        server.shutdown()


def _forms(secret: str) -> set[str]:
    return {secret, quote(secret, safe=""), quote_plus(secret), quote(secret)}


def test_no_secret_in_anything_runs_leave_behind(
    own_server: OwnServer,
    bulk_states: BulkStates,
    webhook: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = own_server
    if not server.running():
        server.start()
    admin = server.url
    name = create_database(admin)
    url = server.role_url(ROLE, PASSWORD, name)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    small_state = copy_state_dir(SAMPLE_STATE, tmp_path / "state")
    env = subprocess_env(
        SUPABASE_DB_URL=url,
        SUPABASE_SERVICE_ROLE_KEY=SERVICE_ROLE_KEY,
        ALERT_WEBHOOK_URL=webhook,
        DAGSTER_HOME=str(home),
        OPENCLAW_STATE_DIR=str(small_state),
        OPENCLAW_CLI="off",
        MISSION_PIPELINE_DATA_DIR=str(tmp_path / "data"),
        MISSION_PIPELINE_ENV="production",
        DB_RETRY_DELAY_SECONDS="0.2",
    )
    socket_url = url.replace("?host=", "?port=1&host=")
    runs: list[dict[str, Any]] = []
    captured: dict[str, str] = {}

    def run(
        label: str, expect: bool, *, cli: bool = False, stop_mid_write: bool = False, **overrides: str
    ) -> None:
        log = tmp_path / f"python-{len(runs)}.log"
        command = (
            [
                str(Path(sys.executable).with_name("dagster")),
                "asset",
                "materialize",
                "-m",
                "mission_pipeline.definitions",
                "--select",
                ASSETS,
                "--partition",
                DAY,
            ]
            if cli
            else [sys.executable, "-m", "mission_pipeline_tests.reliability.run_usage_day", DAY]
        )
        process = subprocess.Popen(
            command,
            env={**env, **overrides, "MP_TEST_PYTHON_LOG": str(log)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
        )
        stopped = False
        if stop_mid_write:
            with psycopg.connect(with_database(admin, "postgres"), autocommit=True) as monitor:
                deadline = time.monotonic() + 180
                while process.poll() is None and time.monotonic() < deadline:
                    if any(b["table"] == "openclaw_usage_events" for b in write_activity(monitor, name)):
                        break
                    time.sleep(0.002)
            if process.poll() is None:
                server.stop()
                stopped = True
        out, err = process.communicate(timeout=600)
        if stopped:
            server.start()
        captured[f"{label}: stdout"] = out.decode(errors="replace")
        captured[f"{label}: stderr"] = err.decode(errors="replace")
        if log.exists():
            captured[f"{label}: python log"] = log.read_text(errors="replace")
        ok = process.returncode == 0
        runs.append(
            {"run": label, "succeeded": ok, "as_expected": ok == expect, "db_stopped_mid_write": stopped}
        )

    try:
        run("success (script)", True)
        run("wrong port", False, SUPABASE_DB_URL=socket_url)
        run("wrong password", False, SUPABASE_DB_URL=server.role_url(ROLE, WRONG_PASSWORD, name))
        run("database down mid-write", False, stop_mid_write=True, OPENCLAW_STATE_DIR=str(bulk_states.new))
        run("success (dagster asset materialize)", True, cli=True)

        # The alert sensor on every failed run, in this process, with the same environment.
        for key in ("SUPABASE_DB_URL", "SUPABASE_SERVICE_ROLE_KEY", "ALERT_WEBHOOK_URL", "DAGSTER_HOME"):
            monkeypatch.setenv(key, env[key])
        get_settings.cache_clear()
        alert_log = _ListHandler()
        alerted = 0
        with dg.DagsterInstance.from_config(str(home)) as instance:
            records = instance.get_run_records()
            for rec in records:
                run_obj = rec.dagster_run
                captured[f"run {run_obj.run_id}: run, tags, config"] = serialize_value(run_obj)
                entries = instance.all_logs(run_obj.run_id)
                captured[f"run {run_obj.run_id}: {len(entries)} events"] = "\n".join(
                    serialize_value(e) for e in entries
                )
                if run_obj.status == dg.DagsterRunStatus.FAILURE:
                    assert alert_on_failed_run(instance, run_obj, alert_log)
                    alerted += 1
        get_settings.cache_clear()
        captured["alert sensor log"] = "\n".join(alert_log.messages)
        captured["webhook requests"] = "\n".join(_Webhook.received)
        for path in sorted(home.rglob("*")):
            if path.is_file():
                captured[f"file {path.relative_to(home)}"] = path.read_bytes().decode("latin-1")
    finally:
        if not server.running():
            server.start()
        drop_database(admin, name)

    secrets = {
        "database password": _forms(PASSWORD),
        "wrong password": _forms(WRONG_PASSWORD),
        "service role key": _forms(SERVICE_ROLE_KEY),
        "webhook token": _forms(WEBHOOK_TOKEN) | {webhook},
        "connection strings": {url, socket_url, server.role_url(ROLE, WRONG_PASSWORD, name)},
    }
    hits = [
        f"{secret} ({form!r}) in {source}"
        for source, text in captured.items()
        for secret, forms in secrets.items()
        for form in forms
        if form.lower() in text.lower()
    ]
    size_bytes = sum(len(text) for text in captured.values())
    failed = sum(not r["succeeded"] for r in runs)
    record(
        "secrets_search",
        f"{len(runs)} runs ({failed} failing, {len(runs) - failed} succeeding) + {alerted} alerts, "
        f"{len(captured)} sources, {size_bytes:,} characters searched for {sum(map(len, secrets.values()))} "
        f"secret forms: {len(hits)} hits",
        {
            "runs": runs,
            "alerts_sent": len(_Webhook.received),
            "sources": {source: len(text) for source, text in captured.items()},
            "secret_forms": {secret: len(forms) for secret, forms in secrets.items()},
            "hits": hits,
            # What an operator gets (shown only when clean, so the artifact cannot leak either).
            "alert_messages": [] if hits else [r.rsplit("\n", 1)[-1] for r in _Webhook.received],
        },
    )
    assert all(r["as_expected"] for r in runs), runs
    assert any(r["db_stopped_mid_write"] for r in runs), "the database must go down during a run"
    assert alerted == failed and len(_Webhook.received) == failed
    assert not hits, hits


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(self.format(record))
