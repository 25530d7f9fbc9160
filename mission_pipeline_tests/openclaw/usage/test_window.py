"""Selecting calls by time, and not reading what cannot hold calls in the window."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO

import pytest

from mission_pipeline.openclaw.sqlite_files import connect_readonly
from mission_pipeline.openclaw.transcripts import jsonl
from mission_pipeline.openclaw.transcripts import sqlite as db
from mission_pipeline.sample import SAMPLE_STATE
from mission_pipeline_tests.conftest import sample_state
from mission_pipeline_tests.openclaw.usage.helpers import agent_db, read_all, writable, write_connection

DAY = datetime(2026, 11, 27, tzinfo=UTC)


def test_window_is_half_open_and_splits_the_calls_exactly(sample_version: str) -> None:
    state = sample_state(sample_version)
    every, _ = read_all(state)
    times = sorted(e.occurred_at for e in every)
    for cut in (times[0], times[7], times[len(times) // 2], times[-1], times[-1] + timedelta(milliseconds=1)):
        before, _ = read_all(state, end=cut)
        after, _ = read_all(state, start=cut)
        assert all(e.occurred_at < cut for e in before)
        assert all(e.occurred_at >= cut for e in after)
        assert sorted(e.event_id for e in before + after) == sorted(e.event_id for e in every)
    inside, _ = read_all(state, start=times[3], end=times[9])
    assert len(inside) == len([t for t in times if times[3] <= t < times[9]])


def test_window_accepts_any_timezone_and_rejects_naive() -> None:
    state = SAMPLE_STATE
    berlin = datetime(2026, 11, 27, 5, 34, 30, tzinfo=timezone(timedelta(hours=1)))
    utc, _ = read_all(state, start=datetime(2026, 11, 27, 4, 34, 30, tzinfo=UTC))
    local, _ = read_all(state, start=berlin)
    assert utc == local
    assert 0 < len(utc) < 54
    with pytest.raises(ValueError, match="timezone-aware"):
        read_all(state, start=datetime(2026, 11, 27))


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the transcripts the reader opens, in order."""
    names: list[str] = []
    real_open = jsonl.open_transcript

    def counting_open(path: Path) -> BinaryIO:
        names.append(path.name)
        return real_open(path)

    monkeypatch.setattr(jsonl, "open_transcript", counting_open)
    return names


def test_old_jsonl_files_are_not_opened(copy_sample: Callable[[str], Path], opened: list[str]) -> None:
    state = writable(copy_sample("v2026.5.28"))
    # File times are set here, as OpenClaw left them on the sample day: a clone or copy of the sample
    # carries the time it was made, which says nothing about when the calls were written.
    written = (DAY + timedelta(hours=6)).timestamp()
    for transcript in state.glob("agents/*/sessions/*.jsonl*"):
        os.utime(transcript, (written, written))
    old = state / "agents" / "max" / "sessions" / "cbaaa6e4-cff9-4071-8742-b37c9774f13f.jsonl"
    last_month = (DAY - timedelta(days=30)).timestamp()
    os.utime(old, (last_month, last_month))
    events, problems = read_all(state, start=DAY)
    assert not problems
    assert old.name not in opened
    assert "a61dbb21-2c17-442e-b0bd-fc4e082aebb9.jsonl" in opened
    assert "max:cbaaa6e4" not in {f"{e.agent_id}:{e.session_id[:8]}" for e in events if e.session_id}
    opened.clear()
    read_all(state, start=DAY + timedelta(days=1))  # every file is older than this
    assert opened == []


def test_archives_named_before_the_window_are_not_opened_whatever_their_mtime(
    copy_sample: Callable[[str], Path], opened: list[str]
) -> None:
    state = writable(copy_sample("v2026.5.28"))
    sessions = state / "agents" / "main" / "sessions"
    live = sessions / "8fa1d44b-37c6-40d3-b397-35d03385820a.jsonl"
    archive = live.with_name(
        f"{live.name}.reset.{(DAY + timedelta(hours=6)).strftime('%Y-%m-%dT%H-%M-%S.000Z')}"
    )
    live.rename(archive)
    # Restored from a backup a week later: a new mtime, but archived (and last written) on DAY.
    restored = (DAY + timedelta(days=7)).timestamp()
    for transcript in state.glob("agents/*/sessions/*.jsonl*"):
        os.utime(transcript, (restored, restored))
    events, problems = read_all(state, agent_ids=["main"], start=DAY + timedelta(days=1))
    assert events == []
    assert not problems
    assert archive.name not in opened
    assert (
        live.with_name("3ff08cb3-7670-4d24-afb7-3c940d965e72.jsonl").name in opened
    )  # live: its mtime decides
    # Read from before its archive time, it is read as before.
    events, _ = read_all(state, agent_ids=["main"], start=DAY)
    assert archive.name in opened
    assert any(e.source == "archive" for e in events)


def test_sessions_opened_after_the_window_are_skipped_without_reading_them(
    copy_sample: Callable[[str], Path], opened: list[str]
) -> None:
    state = sample_state("v2026.5.28")
    events, _ = read_all(state, end=DAY - timedelta(days=1))
    assert events == []
    # Each live file was opened for its first line only: its session header is after `end`.
    live = [p for p in state.glob("agents/*/sessions/*.jsonl") if ".trajectory." not in p.name]
    assert sorted(opened) == sorted(p.name for p in live)


def _sessions_by_last_write(path: Path) -> list[tuple[str, int]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT session_id, transcript_updated_at FROM session_windows ORDER BY transcript_updated_at"
        ).fetchall()
    finally:
        conn.close()


def test_sqlite_sessions_outside_the_window_are_not_read(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.9.6"))
    path = agent_db(state, "max")
    windows = _sessions_by_last_write(path)
    stale_id, stale_last_write = windows[0]
    start = datetime.fromtimestamp((stale_last_write + db.MARGIN_MS + 1) / 1000, tz=UTC)
    conn = connect_readonly(path)
    try:
        planned = [w.session_id for w in db.plan_windows(conn, int(start.timestamp() * 1000), None)]
    finally:
        conn.close()
    assert stale_id not in planned
    assert set(planned) == {sid for sid, _ in windows[1:]}
    # Proof that the pruned session is never read: break its rows; only a read without start notices.
    with write_connection(path) as writer:
        writer.execute(
            'UPDATE transcript_events SET event_json = \'{"role":"assistant", broken\' WHERE session_id = ?',
            (stale_id,),
        )
    _, problems = read_all(state, agent_ids=["max"], start=start)
    assert not problems
    _, problems = read_all(state, agent_ids=["max"])
    assert problems
    assert all(stale_id in (p.row or "") for p in problems)


def test_sqlite_rows_outside_the_window_are_filtered_in_the_database(
    copy_sample: Callable[[str], Path],
) -> None:
    state = writable(copy_sample("v2026.9.6"))
    path = agent_db(state, "dash")
    every, _ = read_all(state, agent_ids=["dash"])
    old_session = "92ed4ac0-f70d-4c74-839a-d1e45b34007f"
    with write_connection(path) as writer:
        # No window times: every session is kept, so only the row filter can skip the old rows.
        writer.execute("UPDATE session_windows SET transcript_updated_at = NULL")
        writer.execute(
            "UPDATE transcript_events SET created_at = created_at - 2 * 86400000,"
            " event_json = '\"assistant\" {broken' WHERE session_id = ?",
            (old_session,),
        )
    events, problems = read_all(state, agent_ids=["dash"], start=DAY)
    assert not problems  # the broken rows were never fetched
    assert [e.event_id for e in events] == [e.event_id for e in every if e.session_id != old_session]
    _, problems = read_all(state, agent_ids=["dash"])
    assert len(problems) == 16  # every row of that session, read without a window
