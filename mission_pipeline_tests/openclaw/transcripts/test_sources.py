"""Source fingerprints change when a transcript may have changed, and only then."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from mission_pipeline.openclaw.transcripts.sources import list_transcript_sources
from mission_pipeline.sample import SAMPLE_STATE
from mission_pipeline_tests.conftest import sample_state
from mission_pipeline_tests.openclaw.usage.helpers import agent_db, writable, write_connection


def test_sources_of_each_layout() -> None:
    new = list_transcript_sources(SAMPLE_STATE)
    assert [(s.agent_id, s.kind) for s in new] == [
        ("amber", "sqlite"),
        ("amber", "archive"),
        ("atlas", "sqlite"),
        ("dash", "sqlite"),
        ("main", "sqlite"),
        ("max", "sqlite"),
    ]
    dash = next(s for s in new if s.agent_id == "dash")
    assert dash.path == "agents/dash/agent/openclaw-agent.sqlite"
    assert dash.earliest_at is not None
    assert dash.latest_at is not None
    assert datetime(2026, 11, 27, 4, tzinfo=UTC) < dash.earliest_at < dash.latest_at
    old = list_transcript_sources(sample_state("v2026.5.28"), agent_ids=["dash"])
    assert [s.path for s in old] == sorted(
        f"agents/dash/sessions/{p.name}"
        for p in (sample_state("v2026.5.28") / "agents" / "dash" / "sessions").glob("*.jsonl")
        if ".trajectory." not in p.name
    )
    assert {s.kind for s in old} == {"jsonl"}


def test_fingerprints_change_only_with_content(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.9.6"))
    first = {s.path: s.fingerprint for s in list_transcript_sources(state)}
    assert first == {s.path: s.fingerprint for s in list_transcript_sources(state)}
    with write_connection(agent_db(state, "main")) as conn:
        # The Gateway appends a row (here: a copy of the last one under the next seq).
        conn.execute(
            "INSERT INTO transcript_events (session_id, seq, event_json, created_at)"
            " SELECT session_id, seq + 1000, event_json, created_at + 1 FROM transcript_events"
            " ORDER BY rowid DESC LIMIT 1"
        )
    archive = next((state / "agents" / "amber" / "sessions").glob("*.zst"))
    os.utime(archive, ns=(archive.stat().st_atime_ns, archive.stat().st_mtime_ns + 1))
    second = {s.path: s.fingerprint for s in list_transcript_sources(state)}
    changed = {path for path in first if first[path] != second[path]}
    assert changed == {"agents/main/agent/openclaw-agent.sqlite", archive.relative_to(state).as_posix()}


def test_deleting_a_session_changes_the_fingerprint(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.9.6"))
    before = {s.path: s.fingerprint for s in list_transcript_sources(state, agent_ids=["amber"])}
    with write_connection(agent_db(state, "amber")) as conn:
        conn.execute(
            "INSERT INTO session_transcript_archives SELECT session_id, 'g2', session_key, reason,"
            " encoding, archive_blob, archive_sha256, archive_name || '.2', created_at + 1, published_at,"
            " publish_attempts, last_publish_attempt_at, last_publish_error FROM session_transcript_archives"
        )
    after = {s.path: s.fingerprint for s in list_transcript_sources(state, agent_ids=["amber"])}
    assert (
        before["agents/amber/agent/openclaw-agent.sqlite"]
        != after["agents/amber/agent/openclaw-agent.sqlite"]
    )


def test_unreadable_database_gets_a_fingerprint_not_an_exception(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.9.6"))
    agent_db(state, "atlas").write_bytes(b"garbage" * 100)
    atlas = next(s for s in list_transcript_sources(state) if s.agent_id == "atlas")
    assert atlas.fingerprint.startswith("unreadable:")
    assert atlas.latest_at is None
