"""Broken input becomes a problem naming the file and line (or row); everything else is still read."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pytest
import zstandard

from mission_pipeline.openclaw import sqlite_files
from mission_pipeline.openclaw.transcripts import jsonl
from mission_pipeline_tests.openclaw.usage.helpers import (
    agent_db,
    assistant_line_numbers,
    read_all,
    totals_by_agent,
    writable,
    write_connection,
)

MAIN = "agents/main/sessions/8fa1d44b-37c6-40d3-b397-35d03385820a.jsonl"  # 2026.5.28, 6 calls
MAX = "agents/max/sessions/a61dbb21-2c17-442e-b0bd-fc4e082aebb9.jsonl"  # 2026.5.28, 6 calls


def _edit_line(path: Path, number: int, edit: Callable[[bytes], bytes]) -> None:
    lines = path.read_bytes().split(b"\n")
    lines[number - 1] = edit(lines[number - 1])
    path.write_bytes(b"\n".join(lines))


def test_broken_jsonl_lines_are_reported_and_skipped(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.5.28"))
    main, max_ = state / MAIN, state / MAX
    m, x = assistant_line_numbers(main), assistant_line_numbers(max_)
    edits = {
        (MAIN, m[0]): lambda b: b[: len(b) * 2 // 3],  # truncated (a crash mid-write)
        (MAIN, m[1]): lambda b: b.replace(b'"usage":{', b'"usage"={', 1),  # invalid JSON
        (MAIN, m[2]): lambda b: b.replace(b'"input":', b'"input":"', 1).replace(
            b',"output"', b'","output"', 1
        ),
        (MAX, x[0]): lambda b: b.replace(b'"output":', b'"output":-', 1),  # negative count
        (MAX, x[1]): lambda b: b.replace(b"Mock reply", b"Mock \xff\xfe reply", 1),  # not UTF-8
    }
    for (rel, number), edit in edits.items():
        _edit_line(state / rel, number, edit)
    events, problems = read_all(state)
    reported = {(p.path, p.line): p.message for p in problems}
    assert set(reported) == set(edits)
    assert "invalid JSON" in reported[(MAIN, m[0])]
    assert "invalid JSON" in reported[(MAIN, m[1])]
    assert "usage.input" in reported[(MAIN, m[2])]
    assert "integer" in reported[(MAIN, m[2])]
    assert "usage.output" in reported[(MAX, x[0])]
    assert "greater than or equal to 0" in reported[(MAX, x[0])]
    assert "not UTF-8" in reported[(MAX, x[1])]
    assert len(events) == 54 - len(edits)
    got = totals_by_agent(events)
    assert got["main"]["calls"] == 13 - 3
    assert got["max"]["calls"] == 11 - 2
    assert got["dash"]["calls"] == 10  # other agents untouched


def test_unreadable_file_is_reported(
    copy_sample: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    state = writable(copy_sample("v2026.5.28"))
    real_open = jsonl.open_transcript

    def refuse(path: Path) -> BinaryIO:
        if path.name == Path(MAX).name:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path)

    monkeypatch.setattr(jsonl, "open_transcript", refuse)
    events, problems = read_all(state)
    assert [(p.path, p.line, p.message) for p in problems] == [(MAX, None, "cannot read: Permission denied")]
    assert len(events) == 54 - len(assistant_line_numbers(state / MAX))


def test_corrupt_zstd_archive_is_reported(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.5.28"))
    deleted = state / MAIN.replace(".jsonl", ".jsonl.deleted.2026-11-27T04-40-00.000Z.0123456789abcdef.zst")
    packed = zstandard.ZstdCompressor().compress((state / MAIN).read_bytes())
    (state / MAIN).unlink()
    deleted.write_bytes(packed[: len(packed) // 2])  # cut short
    broken_too = deleted.with_name(deleted.name.replace("0123", "4567"))
    broken_too.write_bytes(b"not zstd at all\n")
    events, problems = read_all(state, agent_ids=["main"])
    messages = {p.path: p.message for p in problems}
    rel = deleted.relative_to(state).as_posix()
    assert "truncated" in messages[rel]
    assert "corrupt zstd" in messages[broken_too.relative_to(state).as_posix()]
    assert len(events) == 13 - 6  # the other sessions of the agent are still read


def test_corrupt_zstd_archive_falls_back_to_the_copy_in_sqlite(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.9.6"))
    archive = next((state / "agents" / "amber" / "sessions").glob("*.zst"))
    archive.write_bytes(archive.read_bytes()[:400])
    events, problems = read_all(state, agent_ids=["amber"])
    assert [p.path for p in problems] == [archive.relative_to(state).as_posix()]
    assert totals_by_agent(events)["amber"]["calls"] == 16


def test_corrupt_sqlite_database_is_reported(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.9.6"))
    path = agent_db(state, "max")
    data = bytearray(path.read_bytes())
    data[:100] = b"\x00" * 100  # the header: no longer a database
    path.write_bytes(bytes(data))
    events, problems = read_all(state)
    assert [(p.path, "not a database" in p.message) for p in problems] == [
        ("agents/max/agent/openclaw-agent.sqlite", True)
    ]
    assert {e.agent_id for e in events} == {"amber", "atlas", "dash", "main"}
    assert len(events) == 54 - 11


def test_damaged_pages_are_reported_without_losing_other_agents(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.9.6"))
    path = agent_db(state, "dash")
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data), page):
        data[offset : offset + 64] = b"\xa5" * 64  # scribble over every B-tree page header
    path.write_bytes(bytes(data))
    events, problems = read_all(state)
    assert problems
    assert all(p.path == "agents/dash/agent/openclaw-agent.sqlite" for p in problems)
    assert {"amber", "atlas", "main", "max"} <= {e.agent_id for e in events}


def test_locked_database_is_reported_not_waited_for(
    copy_sample: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    state = writable(copy_sample("v2026.9.6"))
    monkeypatch.setattr(sqlite_files, "BUSY_TIMEOUT_S", 0.05)
    writer = sqlite3.connect(agent_db(state, "atlas"), isolation_level=None)
    try:
        writer.execute("BEGIN EXCLUSIVE")  # a Gateway write in progress (rollback journal)
        events, problems = read_all(state)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert [(p.path, "locked" in p.message) for p in problems] == [
        ("agents/atlas/agent/openclaw-agent.sqlite", True)
    ]
    assert len(events) == 54 - 4


def test_bad_sqlite_rows_are_reported_by_row(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.9.6"))
    path = agent_db(state, "atlas")
    with write_connection(path) as conn:
        rows = conn.execute(
            "SELECT session_id, seq, event_json FROM transcript_events"
            ' WHERE instr(event_json, \'"role":"assistant"\') ORDER BY session_id, seq'
        ).fetchall()
        (sid1, seq1, text1), (sid2, seq2, _), (sid3, seq3, text3) = rows[0], rows[1], rows[2]
        conn.execute(
            "UPDATE transcript_events SET event_json = ? WHERE session_id = ? AND seq = ?",
            (text1.replace('"cacheRead":', '"cacheRead":1.5,"x":', 1), sid1, seq1),
        )
        conn.execute(
            "UPDATE transcript_events SET event_json = NULL, event_zstd = x'28b52ffd00000000',"
            " event_utf8_bytes = 10, navigation_json = '{}' WHERE session_id = ? AND seq = ?",
            (sid2, seq2),
        )
        # TEXT that is not UTF-8 (SQLite does not check what it stores).
        conn.execute(
            "UPDATE transcript_events SET event_json = CAST(? AS TEXT) WHERE session_id = ? AND seq = ?",
            (text3.encode().replace(b"Mock reply", b"Mock \xff reply", 1), sid3, seq3),
        )
    events, problems = read_all(state, agent_ids=["atlas"])
    rows_reported = sorted((p.path, p.row) for p in problems)
    assert rows_reported == sorted(
        [
            ("agents/atlas/agent/openclaw-agent.sqlite", f"transcript_events session_id={sid1} seq={seq1}"),
            ("agents/atlas/agent/openclaw-agent.sqlite", f"transcript_events session_id={sid2} seq={seq2}"),
            ("agents/atlas/agent/openclaw-agent.sqlite", f"transcript_events session_id={sid3} seq={seq3}"),
        ]
    )
    row3 = f"transcript_events session_id={sid3} seq={seq3}"
    assert "not UTF-8" in next(p.message for p in problems if p.row == row3)
    assert len(events) == 4 - 3


def test_broken_session_index_only_loses_the_keys(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.5.28"))
    index = state / "agents" / "atlas" / "sessions" / "sessions.json"
    index.write_bytes(index.read_bytes()[:500])
    events, problems = read_all(state, agent_ids=["atlas"])
    assert [p.path for p in problems] == ["agents/atlas/sessions/sessions.json"]
    assert len(events) == 4
    assert {e.session_key for e in events} == {None}
