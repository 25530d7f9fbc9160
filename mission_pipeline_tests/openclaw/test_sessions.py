"""The session index from the store itself and from the recorded CLI output agree."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mission_pipeline.openclaw.cli import OpenClawCliError
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.sessions import (
    SessionRecord,
    parse_cli_sessions,
    read_session_index,
    read_session_index_from_cli,
    session_kind,
)
from mission_pipeline.sample import SAMPLE_STATE
from mission_pipeline_tests.conftest import sample_dir, sample_state
from mission_pipeline_tests.openclaw.usage.helpers import agent_db, writable, write_connection


def identity(record: SessionRecord) -> tuple[object, ...]:
    return (
        record.agent_id,
        record.session_id,
        record.session_key,
        record.model,
        record.model_provider,
        record.kind,
        record.updated_at,
    )


def recorded_cli(version: str) -> list[SessionRecord]:
    payload = json.loads((sample_dir(version) / "cli" / "sessions-all-agents.json").read_text())
    return parse_cli_sessions(payload)


def test_store_matches_the_recorded_cli(sample_version: str) -> None:
    problems = ProblemLog()
    store = read_session_index(sample_state(sample_version), problems=problems)
    cli = recorded_cli(sample_version)
    assert not problems
    assert len(store) == len(cli) == {"v2026.9.6": 17, "v2026.5.28": 18}[sample_version]
    assert sorted(map(identity, store)) == sorted(map(identity, cli))
    assert {r.source for r in store} == {"sqlite" if sample_version == "v2026.9.6" else "sessions.json"}
    assert {r.source for r in cli} == {"cli"}


def test_records_carry_kind_times_and_the_raw_entry() -> None:
    store = {r.session_key: r for r in read_session_index(SAMPLE_STATE, problems=ProblemLog())}
    cron = store["agent:dash:cron:94da44a8-5d27-4e8f-a5cb-63ab311a9712"]
    assert cron.kind == "cron"
    assert cron.session_id == "54847105-0cf5-42a3-a303-38f3ac1aa2b1"
    assert cron.entry["label"] == "Automation: Metrics sweep"
    main = store["agent:dash:main"]
    assert (main.kind, main.status, main.model, main.model_provider) == (
        "direct",
        "failed",
        "claude-opus-4-6",
        "anthropic",
    )
    assert main.started_at is not None
    assert main.updated_at is not None
    assert main.started_at < main.updated_at
    assert main.updated_at.tzinfo is not None
    # Rows of a backup copy are not yet validated by doctor (entry_valid = 0) and are read all the same.
    assert len(store) == 17


def test_cli_records_from_2026_9_6_carry_status_and_start() -> None:
    cli = {r.session_key: r for r in recorded_cli("v2026.9.6")}
    assert cli["agent:dash:main"].status == "failed"
    assert cli["agent:dash:main"].started_at is not None
    assert cli["agent:dash:main"].entry["totalTokensFresh"] is True


@pytest.mark.parametrize(
    ("key", "entry", "kind"),
    [
        ("agent:max:cron:457808c2-4a27-47ae-8581-cf4c60cf6fd6", {}, "cron"),
        ("agent:max:CRON:x:run:y", {}, "cron"),
        ("agent:max:main", {"spawnedBy": "agent:main:main"}, "spawn-child"),
        ("agent:max:telegram:group:42", {}, "group"),
        ("agent:max:main", {"chatType": "channel"}, "group"),
        ("agent:max:main", {}, "direct"),
        ("global", {}, "global"),
        ("unknown", {}, "unknown"),
        ("cron:legacy", {}, "direct"),
    ],
)
def test_kind_is_derived_like_the_cli(key: str, entry: dict[str, object], kind: str) -> None:
    assert session_kind(key, entry) == kind


def test_bad_rows_are_reported(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.9.6"))
    with write_connection(agent_db(state, "atlas")) as conn:
        conn.execute("UPDATE session_nodes SET entry_json = '{broken' WHERE session_key = 'agent:atlas:main'")
    problems = ProblemLog(base=state)
    records = read_session_index(state, agent_ids=["atlas"], problems=problems)
    assert [r.session_key for r in records] == ["agent:atlas:visa-research"]
    assert [(p.path, p.row) for p in problems] == [
        ("agents/atlas/agent/openclaw-agent.sqlite", "session_nodes agent:atlas:main")
    ]


def _fake_cli(tmp_path: Path, payload_file: Path) -> list[str]:
    """A stand-in for the CLI that replays recorded output (first page says hasMore)."""
    script = tmp_path / "fake_openclaw.py"
    script.write_text(
        "import json, sys\n"
        f"data = json.load(open({str(payload_file)!r}))\n"
        "if '--limit' not in sys.argv:\n"
        "    data['sessions'] = data['sessions'][:3]\n"
        "    data['hasMore'] = True\n"
        "print(json.dumps(data))\n"
    )
    return [sys.executable, str(script)]


def test_cli_reader_follows_has_more(tmp_path: Path) -> None:
    recorded = sample_dir("v2026.9.6") / "cli" / "sessions-all-agents.json"
    records = read_session_index_from_cli(_fake_cli(tmp_path, recorded), tmp_path)
    assert len(records) == 17


def test_cli_output_without_sessions_is_an_error() -> None:
    with pytest.raises(OpenClawCliError):
        parse_cli_sessions({"ok": True})
