"""The alert outbox on a real PostgreSQL: recorded once, sent once, even by runs that overlap."""

from __future__ import annotations

import threading
import time
from typing import Any

from mission_pipeline.budgets import outbox
from mission_pipeline.budgets.alerts import Alert
from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline_tests.fixtures.postgres import query

ALERTS = [Alert(f"budget:1:2026-11-01:{share}", "budget", {"text": f"{share}"}) for share in ("0.8", "1")]


def test_an_alert_is_recorded_once(database: DatabaseTarget) -> None:
    with database.connect(autocommit=True) as conn:
        assert outbox.record(conn, ALERTS) == [a.key for a in ALERTS]
        assert outbox.record(conn, ALERTS) == []
    assert query(database, "select count(*) from mission_pipeline.alert_outbox") == [(2,)]


def test_two_runs_delivering_at_once_send_each_alert_once(database: DatabaseTarget) -> None:
    with database.connect(autocommit=True) as conn:
        outbox.record(conn, ALERTS)
    sent: list[dict[str, Any]] = []
    lock = threading.Lock()

    def slow_webhook(payload: dict[str, Any]) -> str | None:
        time.sleep(0.5)  # the other run starts meanwhile
        with lock:
            sent.append(payload)
        return None

    def run() -> None:
        with database.connect(autocommit=True) as conn:
            outbox.deliver(conn, slow_webhook)

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join()
    assert sorted(p["text"] for p in sent) == ["0.8", "1"]
    assert query(database, "select count(*) from mission_pipeline.alert_outbox where sent_at is null") == [
        (0,)
    ]


def test_a_refused_alert_stays_with_why_and_goes_later(database: DatabaseTarget) -> None:
    with database.connect(autocommit=True) as conn:
        outbox.record(conn, ALERTS[:1])
        assert outbox.deliver(conn, lambda payload: "HTTP 503").failed == {ALERTS[0].key: "HTTP 503"}
        assert outbox.pending_count(conn) == 1
        assert outbox.deliver(conn, lambda payload: None).sent == [ALERTS[0].key]
        assert outbox.deliver(conn, lambda payload: None).sent == []
    assert query(database, "select attempts, last_error from mission_pipeline.alert_outbox") == [(2, None)]
