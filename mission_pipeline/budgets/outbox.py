"""The alert outbox: alerts recorded before they are sent, delivered until the webhook takes them.

`record` inserts each alert key once (a rerun, a backfill or a concurrent run finds it there).
`deliver` claims unsent alerts with `for update skip locked`, so two runs never send the same one,
and marks each sent only when the webhook accepted it: a webhook that is down keeps them for later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.rows import TupleRow
from psycopg.types.json import Jsonb

from mission_pipeline.budgets.alerts import Alert

OUTBOX = "mission_pipeline.alert_outbox"


@dataclass
class Delivery:
    """What one delivery did: keys sent, and keys that failed with why."""

    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def record(conn: psycopg.Connection[TupleRow], alerts: Iterable[Alert]) -> list[str]:
    """Insert the alerts not recorded before; their keys."""
    recorded = []
    for alert in alerts:
        row = conn.execute(
            f"insert into {OUTBOX} (alert_key, kind, payload) values (%s, %s, %s)"
            " on conflict (alert_key) do nothing returning alert_key",
            (alert.key, alert.kind, Jsonb(alert.payload)),
        ).fetchone()
        if row is not None:
            recorded.append(str(row[0]))
    return recorded


def deliver(
    conn: psycopg.Connection[TupleRow], send: Callable[[dict[str, Any]], str | None], limit: int = 100
) -> Delivery:
    """Send the unsent alerts, oldest first; `send` returns None when accepted, else why not."""
    done = Delivery()
    with conn.transaction():
        pending = conn.execute(
            f"select id, alert_key, payload from {OUTBOX} where sent_at is null"
            " order by id limit %s for update skip locked",
            (limit,),
        ).fetchall()
        for row_id, key, payload in pending:
            failure = send(payload)
            if failure is None:
                conn.execute(
                    f"update {OUTBOX} set sent_at = now(), attempts = attempts + 1, last_error = null"
                    " where id = %s",
                    (row_id,),
                )
                done.sent.append(key)
            else:
                conn.execute(
                    f"update {OUTBOX} set attempts = attempts + 1, last_error = %s where id = %s",
                    (failure, row_id),
                )
                done.failed[key] = failure
    return done


def pending_count(conn: psycopg.Connection[TupleRow]) -> int:
    row = conn.execute(f"select count(*) from {OUTBOX} where sent_at is null").fetchone()
    return int(row[0]) if row else 0
