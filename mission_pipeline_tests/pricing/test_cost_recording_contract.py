"""The committed cost recording (`data/openclaw-cost/v2026.9.6`) is what OpenClaw really writes.

* Fast: every response the stand-in served appears exactly once in the transcripts, with the same
  token counts (the 1-hour cache-write split included).
* Contract (real CLI): re-recording gives, call for call, the same usage and the same recorded
  `usage.cost` as the committed data.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mission_pipeline_tests.openclaw.test_contract_cli import installed_cli
from mission_pipeline_tests.pricing.recording import record
from mission_pipeline_tests.pricing.recording.read import (
    expected_from_served,
    recorded_calls,
    served,
    served_by_agent,
    usage_numbers,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "openclaw-cost" / "v2026.9.6"


def test_committed_transcripts_match_the_served_ledger() -> None:
    calls = recorded_calls(DATA / "state")
    ledger = served_by_agent(DATA / "ledger" / "served-usage.jsonl")
    assert all(entry["planned"] for entry in served(DATA / "ledger" / "served-usage.jsonl"))
    assert sorted(calls) == sorted(ledger) == sorted(record.AGENTS)
    for agent, entries in ledger.items():
        got = [
            {k: usage_numbers(m["usage"])[k] for k in expected_from_served(entries[0])} for m in calls[agent]
        ]
        assert got == [expected_from_served(entry) for entry in entries], agent
        # The reply text names the serial: each served response is in the transcript exactly once.
        texts = ["".join(c.get("text", "") for c in m["content"]) for m in calls[agent]]
        assert texts == [entry["reply"] for entry in entries], agent
        assert [m["model"] for m in calls[agent]] == [entry["model"] for entry in entries], agent
    assert sum(len(entries) for entries in ledger.values()) == len(record.TURNS)


def test_committed_plan_is_the_recorders_plan() -> None:
    ledger = served_by_agent(DATA / "ledger" / "served-usage.jsonl")
    for agent in record.AGENTS:
        planned = [turn.usage.anthropic_usage() for turn in record.TURNS if turn.agent == agent]
        assert [entry["usage"] for entry in ledger[agent]] == planned, agent


def test_long_context_tier_and_one_hour_writes_are_recorded() -> None:
    long = [usage_numbers(m["usage"]) for m in recorded_calls(DATA / "state")["long"]]
    # 210,000 prompt tokens: the long-context rates (6 / 22.5 / 0.6 / 7.5; 1h writes at 2 x 6).
    first = long[0]
    assert first["cacheWrite1h"] == 3_000
    expected = (25_000 * 6 + 900 * 22.5 + 180_000 * 0.6 + 2_000 * 7.5 + 3_000 * 12) / 1e6
    assert first["cost"]["total"] == pytest.approx(expected, abs=1e-12)
    # Exactly 200,000: the base rates. 200,001 without a split: long-context, all 5-minute.
    assert long[1]["cost"]["total"] == pytest.approx((12_000 * 3 + 700 * 15 + 54_000 + 8_000 * 6) / 1e6)
    assert long[2]["cacheWrite1h"] is None
    expected_2 = (12_001 * 6 + 650 * 22.5 + 180_000 * 0.6 + 8_000 * 7.5) / 1e6
    assert long[2]["cost"]["total"] == pytest.approx(expected_2, abs=1e-12)
    mystery = [usage_numbers(m["usage"]) for m in recorded_calls(DATA / "state")["mystery"]]
    assert all(call["cost"]["total"] == 0 for call in mystery)


@pytest.mark.contract
@pytest.mark.recording
@pytest.mark.timeout(1800)  # 17 turns of about 25 s each, one at a time, on a busy CI machine
def test_rerecording_gives_the_committed_usage_and_cost(tmp_path: Path) -> None:
    command = installed_cli()
    if command is None:
        pytest.skip("OpenClaw CLI not installed: run `make openclaw-cli` or set OPENCLAW_CLI")
    record.record(tmp_path / "out", command)
    fresh = recorded_calls(tmp_path / "out" / "state")
    committed = recorded_calls(DATA / "state")
    assert sorted(fresh) == sorted(committed)
    for agent, calls in committed.items():
        want = [(m["provider"], m["model"], usage_numbers(m["usage"])) for m in calls]
        got = [(m["provider"], m["model"], usage_numbers(m["usage"])) for m in fresh[agent]]
        assert got == want, agent
    fresh_ledger = served_by_agent(tmp_path / "out" / "ledger" / "served-usage.jsonl")
    committed_ledger = served_by_agent(DATA / "ledger" / "served-usage.jsonl")
    for agent, entries in committed_ledger.items():
        assert [(e["model"], e["usage"]) for e in fresh_ledger[agent]] == [
            (e["model"], e["usage"]) for e in entries
        ]
