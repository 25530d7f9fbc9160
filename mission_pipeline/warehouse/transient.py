"""Which errors a retry can fix: a database unreachable for a moment, and nothing else.

Dagster's retry policy retries a step on any exception. A wrong setting (a pricing file that does
not exist), a bad path, a duplicate key or a bug fails the same way on every attempt, and each retry
costs the policy's back-off (about a minute per step). `retried_only_if_transient` lets transient
database errors through to the policy and turns anything else into a failure Dagster does not retry,
with the original error as its cause.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import psycopg

from mission_pipeline.redaction import redact
from mission_pipeline.settings import get_settings
from mission_pipeline.warehouse.database import WarehouseError


def is_transient(exc: BaseException) -> bool:
    """True for errors a later attempt may not meet: lost or refused connections, serialization."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, WarehouseError):
            return current.transient
        # OperationalError: connection lost or refused, server shutting down, serialization failure,
        # deadlock, statement timeout. Everything else (SQL, data, privileges) fails the same again.
        if isinstance(current, psycopg.OperationalError):
            return True
        suppressed = current.__suppress_context__
        current = current.__cause__ or (None if suppressed else current.__context__)
    return False


@contextmanager
def retried_only_if_transient() -> Iterator[None]:
    """Let transient database errors through to the retry policy; fail anything else for good."""
    try:
        yield
    except (dg.Failure, dg.RetryRequested, dg.DagsterError):
        raise  # Dagster's own control flow and errors decide for themselves
    except Exception as exc:
        if is_transient(exc):
            raise
        reason = redact(f"{type(exc).__name__}: {exc}", get_settings().secret_values())
        raise dg.Failure(
            description=f"{reason} (not retried: waiting cannot fix it)", allow_retries=False
        ) from exc
