"""The same call read from several copies is counted once, with the same event id."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import zstandard

from mission_pipeline.openclaw.transcripts.files import classify_session_file
from mission_pipeline_tests.openclaw.usage.helpers import (
    agent_db,
    export_jsonl,
    read_all,
    session_rows,
    totals_by_agent,
    writable,
    write_connection,
)

DASH_MAIN = "92ed4ac0-f70d-4c74-839a-d1e45b34007f"
MAIN_INBOX = "8fa1d44b-37c6-40d3-b397-35d03385820a"  # 2026.5.28, has a tool round trip


def test_leftover_jsonl_next_to_sqlite_counts_once(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.9.6"))
    before, _ = read_all(state)
    # Doctor-era leftovers: the same transcripts as JSONL files next to the database.
    for agent, session in (("dash", DASH_MAIN), ("main", "4bccae30-ff71-4821-8c32-b3903e09764d")):
        export_jsonl(
            agent_db(state, agent), session, state / "agents" / agent / "sessions" / f"{session}.jsonl"
        )
    after, problems = read_all(state)
    assert not problems
    assert totals_by_agent(after) == totals_by_agent(before)
    assert [(e.event_id, e.source) for e in after] == [(e.event_id, e.source) for e in before]


def test_jsonl_copy_carries_the_same_ids_when_sqlite_lost_the_rows(
    copy_sample: Callable[[str], Path],
) -> None:
    state = writable(copy_sample("v2026.9.6"))
    before, _ = read_all(state, agent_ids=["dash"])
    db = agent_db(state, "dash")
    export_jsonl(db, DASH_MAIN, state / "agents" / "dash" / "sessions" / f"{DASH_MAIN}.jsonl")
    with write_connection(db) as conn:
        conn.execute("DELETE FROM transcript_events WHERE session_id = ?", (DASH_MAIN,))
    after, problems = read_all(state, agent_ids=["dash"])
    assert not problems
    assert {e.event_id for e in after} == {e.event_id for e in before}
    moved = {e.event_id: e for e in after if e.session_id == DASH_MAIN}
    assert moved
    assert all(e.source == "jsonl" for e in moved.values())
    # The session key still comes from the database's window row.
    assert {e.session_key for e in moved.values()} == {"agent:dash:main"}
    assert totals_by_agent(after) == totals_by_agent(before)


def test_forked_session_copying_its_parent_counts_once(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.5.28"))
    before, _ = read_all(state, agent_ids=["main"])
    sessions = state / "agents" / "main" / "sessions"
    parent = (sessions / f"{MAIN_INBOX}.jsonl").read_text(encoding="utf-8").splitlines()
    header = json.loads(parent[0])
    child_id = "5d7c3b1a-0e9f-4a2b-8c6d-1f0e9d8c7b6a"
    fork_header = {**header, "id": child_id, "parentSession": str(sessions / f"{MAIN_INBOX}.jsonl")}
    # pi's createBranchedSession copies the parent branch verbatim into `<ts>_<uuid>.jsonl`.
    fork = sessions / f"2026-11-27T04-40-00-000Z_{child_id}.jsonl"
    fork.write_text("\n".join([json.dumps(fork_header), *parent[1:]]) + "\n", encoding="utf-8")
    assert classify_session_file(fork.name) == ("jsonl", child_id, True)
    after, problems = read_all(state, agent_ids=["main"])
    assert not problems
    assert totals_by_agent(after) == totals_by_agent(before)
    # Copied calls stay credited to the parent session.
    assert child_id not in {e.session_id for e in after}


def test_trajectory_and_other_sidecars_are_never_read(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.5.28"))
    sessions = state / "agents" / "max" / "sessions"
    live = next(p for p in sessions.glob("*.jsonl") if ".trajectory" not in p.name)
    for name in (
        f"{live.stem}.checkpoint.0b9e.jsonl",
        f"{live.name}.bak.2026-11-27T04-00-00Z",
        f"{live.name}.lock",
        f"{live.name}.migrated",
    ):
        (sessions / name).write_bytes(live.read_bytes())
    events, problems = read_all(state, agent_ids=["max"])
    assert not problems
    assert len(events) == 11
    assert not any(".trajectory" in e.source_path for e in events)
    assert {p.name for p in sessions.iterdir() if classify_session_file(p.name)} == {
        p.name
        for p in sessions.glob("*.jsonl")
        if ".trajectory" not in p.name and ".checkpoint." not in p.name
    }


def test_reset_and_deleted_archives_are_read_in_the_file_era(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.5.28"))
    before, _ = read_all(state, agent_ids=["main"])
    sessions = state / "agents" / "main" / "sessions"
    (sessions / f"{MAIN_INBOX}.jsonl").rename(sessions / f"{MAIN_INBOX}.jsonl.reset.2026-11-27T04-40-00.000Z")
    other = "3ff08cb3-7670-4d24-afb7-3c940d965e72"
    (sessions / f"{other}.jsonl").rename(sessions / f"{other}.jsonl.deleted.2026-11-27T04-41-00.000Z")
    after, problems = read_all(state, agent_ids=["main"])
    assert not problems
    assert totals_by_agent(after) == totals_by_agent(before)
    assert {e.session_id for e in after if e.source == "archive"} == {MAIN_INBOX, other}


def test_deleted_session_kept_only_in_sqlite_is_read_from_its_blob(
    copy_sample: Callable[[str], Path],
) -> None:
    state = writable(copy_sample("v2026.9.6"))
    for archive in (state / "agents" / "amber" / "sessions").glob("*.zst"):
        archive.unlink()  # not published (or cleaned up): the database still holds it
    events, problems = read_all(state, agent_ids=["amber"])
    assert not problems
    assert totals_by_agent(events)["amber"]["calls"] == 16
    archived = [e for e in events if e.source == "archive"]
    assert len(archived) == 2
    assert all("openclaw-agent.sqlite#session_transcript_archives/" in e.source_path for e in archived)
    assert {e.session_key for e in archived} == {"agent:amber:scratch"}


def test_cold_storage_archives_are_read(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.9.6"))
    before, _ = read_all(state, agent_ids=["dash"])
    db = agent_db(state, "dash")
    sessions = {"sqlite": DASH_MAIN, "file": "57e92eaf-ef25-4bc5-a116-4f9bb4dbc526"}
    for storage, session_id in sessions.items():
        # OpenClaw's cold storage: rows leave transcript_events for one zstd JSONL of records.
        records = [{"kind": "header", "version": 1, "sessionId": session_id, "generation": "g1"}]
        records += [
            {"kind": "event", "row": {"seq": seq, "event_json": text, "created_at": created}}
            for seq, text, created in session_rows(db, session_id)
        ]
        blob = zstandard.ZstdCompressor().compress("".join(json.dumps(r) + "\n" for r in records).encode())
        name = f"{storage:0>64}.jsonl.zst"[-73:]
        if storage == "file":
            (state / "agents" / "dash" / "sessions" / "cold").mkdir(parents=True)
            (state / "agents" / "dash" / "sessions" / "cold" / name).write_bytes(blob)
        with write_connection(db) as conn:
            conn.execute(
                "INSERT INTO session_transcript_cold_archives (session_id, generation, archive_name,"
                " archive_sha256, event_count, raw_bytes, archive_bytes, last_seq, archived_at, storage,"
                " archive_blob) VALUES (?, 'g1', ?, ?, ?, 0, ?, 0, 1795754200000, ?, ?)",
                (
                    session_id,
                    name,
                    "0" * 64,
                    len(records) - 1,
                    len(blob),
                    storage,
                    blob if storage == "sqlite" else None,
                ),
            )
            conn.execute("DELETE FROM transcript_events WHERE session_id = ?", (session_id,))
    after, problems = read_all(state, agent_ids=["dash"])
    assert not problems, problems.lines()
    assert totals_by_agent(after) == totals_by_agent(before)
    cold = {e.session_id for e in after if e.source == "archive"}
    assert cold == set(sessions.values())
    assert {e.session_key for e in after if e.session_id == DASH_MAIN} == {"agent:dash:main"}


def test_zstd_compressed_rows_are_read(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.9.6"))
    before, _ = read_all(state, agent_ids=["main"])
    db = agent_db(state, "main")
    with write_connection(db) as conn:
        rows = conn.execute("SELECT session_id, seq, event_json FROM transcript_events").fetchall()
        for session_id, seq, text in rows:
            # OpenClaw stores rows >= 1 KiB as zstd BLOBs with event_json NULL.
            conn.execute(
                "UPDATE transcript_events SET event_json = NULL, event_zstd = ?, event_utf8_bytes = ?,"
                " navigation_json = '{}' WHERE session_id = ? AND seq = ?",
                (zstandard.ZstdCompressor().compress(text.encode()), len(text.encode()), session_id, seq),
            )
    after, problems = read_all(state, agent_ids=["main"])
    assert not problems
    assert after == before
    assert (
        sqlite3.connect(db)
        .execute("SELECT count(*) FROM transcript_events WHERE event_json IS NULL")
        .fetchone()[0]
        > 0
    )
