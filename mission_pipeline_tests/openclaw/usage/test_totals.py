"""Both OpenClaw samples give exactly the transcript totals of their usage ledger."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from pathlib import Path

import pytest

from mission_pipeline.openclaw.usage.events import USAGE_EVENT_COLUMNS, UsageEvent
from mission_pipeline.sample import SAMPLE_STATE
from mission_pipeline_tests.conftest import sample_state, usage_check
from mission_pipeline_tests.openclaw.usage.helpers import read_all, totals_by_agent

TOKEN_FIELDS = ("calls", "input", "output", "cacheRead", "cacheWrite")


def expected_by_agent(version: str) -> dict[str, dict[str, float]]:
    """The ledger's per-agent totals; 2026.9.6 lists the deleted session as `amber(archive)`."""
    expected: dict[str, dict[str, float]] = {}
    for name, row in usage_check(version)["transcriptTotalsByAgent"].items():
        agent = name.split("(")[0]
        into = expected.setdefault(agent, dict.fromkeys((*TOKEN_FIELDS, "costUsd"), 0))
        for field in (*TOKEN_FIELDS, "costUsd"):
            into[field] += row[field]
    return expected


def test_totals_match_the_ledger_per_agent(sample_version: str) -> None:
    events, problems = read_all(sample_state(sample_version))
    assert not problems, problems.lines()
    got = totals_by_agent(events)
    expected = expected_by_agent(sample_version)
    assert set(got) == set(expected)
    for agent, want in expected.items():
        assert {f: got[agent][f] for f in TOKEN_FIELDS} == {f: want[f] for f in TOKEN_FIELDS}, agent
        assert got[agent]["costUsd"] == pytest.approx(want["costUsd"], abs=1e-6), agent
    overall = usage_check(sample_version)["transcriptTotalsAll"]
    assert len(events) == overall["calls"] == 54


def test_amber_in_2026_9_6_includes_the_deleted_session_archive() -> None:
    events, _ = read_all(SAMPLE_STATE, agent_ids=["amber"])
    assert totals_by_agent(events)["amber"] == pytest.approx(
        {
            "calls": 16,
            "input": 15984,
            "output": 4603,
            "cacheRead": 424076,
            "cacheWrite": 49478,
            "costUsd": 0.4297623,
        }
    )
    archived = [e for e in events if e.source == "archive"]
    assert len(archived) == 2
    assert {e.session_id for e in archived} == {"28d135fa-635e-4a60-b71f-db2120e74ae9"}
    # The database remembers which key the deleted session had.
    assert {e.session_key for e in archived} == {"agent:amber:scratch"}
    assert all(
        e.source_path.endswith(".zst") and e.source_path.startswith("agents/amber/sessions/")
        for e in archived
    )


def test_per_session_totals_match_the_ledger(sample_version: str) -> None:
    events, _ = read_all(sample_state(sample_version))
    by_session: dict[str, list[int]] = {}
    for e in events:
        row = by_session.setdefault(f"{e.agent_id}:{e.session_id}", [0, 0, 0, 0, 0])
        for i, value in enumerate(
            (1, e.input_tokens, e.output_tokens, e.cache_read_tokens, e.cache_write_tokens)
        ):
            row[i] += value
    expected = {
        key.replace("(archive)", ""): [row[f] for f in TOKEN_FIELDS]
        for key, row in usage_check(sample_version)["transcriptTotalsBySession"].items()
    }
    assert by_session == expected


def test_events_are_well_formed(sample_version: str) -> None:
    state = sample_state(sample_version)
    events, _ = read_all(state)
    assert USAGE_EVENT_COLUMNS[:2] == ("event_id", "agent_id")
    for e in events:
        assert isinstance(e, UsageEvent)
        # The ledger's frames take each event as a row: its tuple order must be the column order.
        assert tuple(e) == tuple(getattr(e, column) for column in USAGE_EVENT_COLUMNS)
        assert e.occurred_at.tzinfo is not None
        assert e.occurred_at.utcoffset() == UTC.utcoffset(None)
        assert e.source in {"sqlite", "jsonl", "archive"}
        assert (state / e.source_path).is_file()
        assert not e.source_path.startswith("/")
        assert "\\" not in e.source_path
        assert e.source_line >= 0
        assert e.provider == "anthropic"
        assert e.model
        assert e.model.startswith("claude-")
        assert e.response_id == e.event_id
        assert e.event_id.startswith("msg_mock")
        assert e.session_key is not None
        assert e.session_key.startswith(f"agent:{e.agent_id}:")
        assert e.stop_reason in {"stop", "toolUse"}
    assert len({e.event_id for e in events}) == len(events)
    with pytest.raises(AttributeError):
        events[0].__dict__  # noqa: B018 - slots: no per-event dict


def test_source_lines_point_at_the_line(copy_sample: Callable[[str], Path]) -> None:
    state = sample_state("v2026.5.28")
    events, _ = read_all(state)
    for e in events:
        line = (state / e.source_path).read_text(encoding="utf-8").splitlines()[e.source_line - 1]
        assert e.event_id in line


def test_reading_is_deterministic(sample_version: str) -> None:
    state = sample_state(sample_version)
    first, _ = read_all(state)
    second, _ = read_all(state)
    assert first == second


def test_agent_filter_and_unknown_agents(sample_version: str) -> None:
    state = sample_state(sample_version)
    events, problems = read_all(state, agent_ids=["max", "nobody", "../etc"])
    assert {e.agent_id for e in events} == {"max"}
    assert len(events) == 11
    assert not problems


def test_cron_run_sessions_get_their_job_key_in_the_file_era() -> None:
    # The store's cron key points at the latest run; the earlier run's key comes from the run log.
    events, _ = read_all(sample_state("v2026.5.28"), agent_ids=["dash"])
    keys = {e.session_id: e.session_key for e in events}
    job_key = "agent:dash:cron:d802f64f-738b-423f-8602-734a7adebc25"
    assert keys["996b825f-b463-4163-9dcc-0e202e4e5752"] == job_key
    assert keys["a4314065-55d8-4b34-925a-0fa2f200882f"] == job_key
