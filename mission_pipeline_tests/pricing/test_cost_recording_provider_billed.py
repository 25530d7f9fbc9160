"""The committed provider-billed recording (`data/openclaw-cost/v2026.9.6-provider-billed`) is real.

* Fast: every chat-completions response the stand-in served appears once in the transcript with the
  served token counts; exactly the calls whose response carried `usage.cost` have
  `cost.totalOrigin: "provider-billed"` and `cost.total` equal to that cost, the others the cost
  computed from the configured rates and no `totalOrigin`.
* Contract (real CLI): re-recording gives, call for call, the same usage, cost and origin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mission_pipeline_tests.openclaw.test_contract_cli import installed_cli
from mission_pipeline_tests.pricing.recording import record_billed
from mission_pipeline_tests.pricing.recording.read import recorded_calls, served, usage_numbers
from mission_pipeline_tests.pricing.recording.stand_in_openai import PlannedCompletionUsage

DATA = Path(__file__).resolve().parents[1] / "data" / "openclaw-cost" / "v2026.9.6-provider-billed"


def expected_tokens(usage: dict[str, Any]) -> dict[str, Any]:
    """The OpenClaw token fields a served chat-completions usage must become."""
    details = usage.get("prompt_tokens_details") or {}
    cached = details.get("cached_tokens", 0)
    written = details.get("cache_write_tokens", 0)
    return {
        "input": usage["prompt_tokens"] - cached - written,
        "output": usage["completion_tokens"],
        "cacheRead": cached,
        "cacheWrite": written,
    }


def test_committed_transcript_holds_the_served_usage() -> None:
    calls = recorded_calls(DATA / "state")
    ledger = served(DATA / "ledger" / "served-usage.jsonl")
    assert sorted(calls) == [record_billed.AGENT]
    router = calls[record_billed.AGENT]
    assert len(router) == len(ledger) == len(record_billed.TURNS)
    assert all(entry["planned"] and entry["stream"] and entry["include_usage"] for entry in ledger)
    assert [entry["usage"] for entry in ledger] == [turn.usage.openai_usage() for turn in record_billed.TURNS]
    for message, entry in zip(router, ledger, strict=True):
        assert {k: message["usage"].get(k) for k in ("input", "output", "cacheRead", "cacheWrite")} == (
            expected_tokens(entry["usage"])
        )
        assert "".join(c.get("text", "") for c in message["content"]) == entry["reply"]
        assert (message["provider"], message["model"], message["api"]) == (
            "openrouter",
            "anthropic/claude-sonnet-4.5",
            "openai-completions",
        )


def test_exactly_the_calls_with_a_served_cost_are_provider_billed() -> None:
    router = recorded_calls(DATA / "state")[record_billed.AGENT]
    ledger = served(DATA / "ledger" / "served-usage.jsonl")
    billed = [i for i, entry in enumerate(ledger) if "cost" in entry["usage"]]
    assert billed == [0, 2]
    for index, (message, entry) in enumerate(zip(router, ledger, strict=True)):
        cost = message["usage"]["cost"]
        tokens = expected_tokens(entry["usage"])
        computed = record_billed.computed_cost(
            PlannedCompletionUsage(
                entry["usage"]["prompt_tokens"],
                tokens["output"],
                tokens["cacheRead"],
                tokens["cacheWrite"],
            )
        )
        # The parts are always the computed ones (rates 3 / 15 / 0.3 / 3.75 per 1M).
        parts = (cost["input"], cost["output"], cost["cacheRead"], cost["cacheWrite"])
        assert parts == pytest.approx(
            (
                tokens["input"] * 3e-6,
                tokens["output"] * 15e-6,
                tokens["cacheRead"] * 0.3e-6,
                tokens["cacheWrite"] * 3.75e-6,
            ),
            abs=1e-12,
        )
        if index in billed:
            assert cost["totalOrigin"] == "provider-billed"
            assert cost["total"] == entry["usage"]["cost"]  # exactly the served number
            assert cost["total"] != pytest.approx(computed, abs=1e-9)
        else:
            assert "totalOrigin" not in cost
            assert cost["total"] == pytest.approx(computed, abs=1e-12)


@pytest.mark.contract
@pytest.mark.recording
@pytest.mark.timeout(1800)  # 3 turns of about 15 s each; generous for a busy CI machine
def test_rerecording_gives_the_committed_usage_cost_and_origin(tmp_path: Path) -> None:
    command = installed_cli()
    if command is None:
        pytest.skip("OpenClaw CLI not installed: run `make openclaw-cli` or set OPENCLAW_CLI")
    record_billed.record(tmp_path / "out", command)
    fresh = recorded_calls(tmp_path / "out" / "state")
    committed = recorded_calls(DATA / "state")
    assert sorted(fresh) == sorted(committed)
    for agent, calls in committed.items():
        want = [(m["provider"], m["model"], usage_numbers(m["usage"])) for m in calls]
        got = [(m["provider"], m["model"], usage_numbers(m["usage"])) for m in fresh[agent]]
        assert got == want, agent
    fresh_ledger = served(tmp_path / "out" / "ledger" / "served-usage.jsonl")
    committed_ledger = served(DATA / "ledger" / "served-usage.jsonl")
    assert [(e["model"], e["usage"]) for e in fresh_ledger] == [
        (e["model"], e["usage"]) for e in committed_ledger
    ]
