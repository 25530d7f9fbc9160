"""upsert never deletes; sync removes (or marks gone) what left the source, within its scope only."""

import datetime as dt
from typing import Any

import dagster as dg
import pandas as pd

from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline.warehouse.io_manager import TableOutput
from mission_pipeline_tests.fixtures.postgres import query
from mission_pipeline_tests.warehouse.dagster_helpers import failure_message, output_metadata, run

UTC = dt.UTC
STATE: dict[str, Any] = {}


def _event(event_id: str, tokens: int) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "agent_id": "main",
        "occurred_at": dt.datetime(2026, 11, 5, 12, 0, tzinfo=UTC),
        "input_tokens": tokens,
        "output_tokens": 1,
        "cache_read_tokens": 0,
        "cache_write_tokens": 0,
        "source": "sqlite",
        "source_line": None,
    }


@dg.asset(name="openclaw_usage_events", metadata={"write_mode": "upsert", "primary_key": ["event_id"]})
def ledger() -> pd.DataFrame:
    """Test stand-in for the usage ledger."""
    return pd.DataFrame(STATE["events"])


@dg.asset(name="agent_workspaces", metadata={"write_mode": "sync", "primary_key": ["agent_id", "file_path"]})
def workspaces() -> TableOutput:
    """Test stand-in for the workspace index, scoped to the agents scanned."""
    return TableOutput.of(pd.DataFrame(STATE["files"]), sync_scope={"agent_id": STATE["scanned"]})


@dg.asset(
    name="openclaw_session_dumps",
    metadata={"write_mode": "sync", "primary_key": ["agent_id", "session_id"], "gone_column": "gone_at"},
)
def sessions() -> pd.DataFrame:
    """Test stand-in for the session dump."""
    return pd.DataFrame(STATE["sessions"], columns=["agent_id", "session_id", "entry", "source"])


def test_upsert_inserts_updates_and_never_deletes(pipeline_env: DatabaseTarget) -> None:
    STATE["events"] = [_event("a", 10), _event("b", 20)]
    assert run(pipeline_env, [ledger]).success
    STATE["events"] = [_event("b", 21), _event("c", 30)]  # "a" was pruned by OpenClaw
    result = run(pipeline_env, [ledger])
    meta = output_metadata(result, "openclaw_usage_events")
    assert (meta["rows_inserted"], meta["rows_updated"], meta["rows_deleted"]) == (1, 1, 0)
    rows = query(
        pipeline_env, "select event_id, input_tokens, source_line from openclaw_usage_events order by 1"
    )
    assert rows == [("a", 10, None), ("b", 21, None), ("c", 30, None)]


def test_upsert_rerun_touches_nothing(pipeline_env: DatabaseTarget) -> None:
    STATE["events"] = [_event("a", 10)]
    assert run(pipeline_env, [ledger]).success
    before = query(pipeline_env, "select event_id, updated_at, created_at from openclaw_usage_events")
    meta = output_metadata(run(pipeline_env, [ledger]), "openclaw_usage_events")
    assert (meta["rows_inserted"], meta["rows_updated"], meta["rows_unchanged"]) == (0, 0, 1)
    assert query(pipeline_env, "select event_id, updated_at, created_at from openclaw_usage_events") == before


def test_negative_tokens_are_refused_by_the_table(pipeline_env: DatabaseTarget) -> None:
    STATE["events"] = [_event("a", -5)]
    result = run(pipeline_env, [ledger])
    assert not result.success
    assert "openclaw_usage_events_tokens_non_negative" in failure_message(result)
    assert "failed and was rolled back" in failure_message(result)


def _file(agent: str, path: str, size: int) -> dict[str, Any]:
    return {"agent_id": agent, "file_path": path, "size_bytes": size}


def test_sync_removes_only_within_its_scope(pipeline_env: DatabaseTarget) -> None:
    STATE["files"] = [
        _file("main", "SOUL.md", 5),
        _file("main", "notes/a b.md", 6),
        _file("max", "résumé.md", 7),
    ]
    STATE["scanned"] = ["main", "max"]
    assert run(pipeline_env, [workspaces]).success
    # main lost a file; max's workspace was unreadable this time, so it is out of scope.
    STATE["files"] = [_file("main", "SOUL.md", 9)]
    STATE["scanned"] = ["main"]
    meta = output_metadata(run(pipeline_env, [workspaces]), "agent_workspaces")
    assert (meta["rows_updated"], meta["rows_deleted"]) == (1, 1)
    rows = query(pipeline_env, "select agent_id, file_path, size_bytes from agent_workspaces order by 1, 2")
    assert rows == [("main", "SOUL.md", 9), ("max", "résumé.md", 7)]


def test_sync_of_an_empty_scope_clears_it(pipeline_env: DatabaseTarget) -> None:
    STATE["files"] = [_file("main", "SOUL.md", 5)]
    STATE["scanned"] = ["main"]
    assert run(pipeline_env, [workspaces]).success
    STATE["files"] = []
    assert run(pipeline_env, [workspaces]).success
    assert query(pipeline_env, "select count(*) from agent_workspaces") == [(0,)]


def test_sync_with_a_gone_column_marks_instead_of_deleting(pipeline_env: DatabaseTarget) -> None:
    STATE["sessions"] = [
        {"agent_id": "main", "session_id": "s1", "entry": {"model": "opus"}, "source": "sqlite"},
        {"agent_id": "main", "session_id": "s2", "entry": {"model": "haiku"}, "source": "sqlite"},
    ]
    assert run(pipeline_env, [sessions]).success
    STATE["sessions"] = STATE["sessions"][1:]
    meta = output_metadata(run(pipeline_env, [sessions]), "openclaw_session_dumps")
    assert meta["rows_marked_gone"] == 1
    assert meta["rows_deleted"] == 0
    rows = query(
        pipeline_env, "select session_id, gone_at is not null, entry from openclaw_session_dumps order by 1"
    )
    assert rows == [("s1", True, {"model": "opus"}), ("s2", False, {"model": "haiku"})]
    # It comes back: the mark is cleared.
    STATE["sessions"] = [
        {"agent_id": "main", "session_id": "s1", "entry": {"model": "opus"}, "source": "sqlite"}
    ]
    assert run(pipeline_env, [sessions]).success
    assert query(
        pipeline_env, "select session_id, gone_at is null from openclaw_session_dumps order by 1"
    ) == [
        ("s1", True),
        ("s2", False),
    ]
