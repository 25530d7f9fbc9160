"""`cost_matches_recorded` on the real usage job: explained price-list differences pass, tampering fails."""

import json
from pathlib import Path

import dagster as dg
import pytest

from mission_pipeline_tests.conftest import usage_check
from mission_pipeline_tests.defs.jobs import check_results
from mission_pipeline_tests.defs.project import ProjectRuns

DAY = "2026-11-27"
OPUS, SONNET, HAIKU = (f"anthropic/claude-{m}" for m in ("opus-4-6", "sonnet-4-5", "haiku-3-5"))
# The rates of both samples' openclaw.json, as a pricing file.
OPENCLAWS_PRICES = """
[[model]]
id = "claude-opus-4-6"
effective_from = 2026-01-01
input = 5.0
output = 25.0
[[model]]
id = "claude-sonnet-4-5"
effective_from = 2026-01-01
input = 3.0
output = 15.0
[[model]]
id = "claude-haiku-3-5"
effective_from = 2026-01-01
input = 0.8
output = 4.0
cache_write = 1.0
"""


def cost_check(project: ProjectRuns) -> dg.AssetCheckEvaluation:
    result = project.run("usage_job", partition=DAY)
    assert result.success
    check = check_results(result)["agent_usage_by_model/cost_matches_recorded"]
    assert check.severity == dg.AssetCheckSeverity.WARN
    return check


def text(check: dg.AssetCheckEvaluation, key: str) -> str:
    return str(check.metadata[key].value)


def table_row(check: dg.AssetCheckEvaluation, model: str) -> str:
    return next(line for line in text(check, "models").splitlines() if f"`{model}`" in line)


def test_a_fresh_install_passes_and_names_both_price_lists(sample_version: str, project: ProjectRuns) -> None:
    project.use_sample(sample_version)
    check = cost_check(project)
    # The setup document's prices against OpenClaw's list prices: explained, so no failed check.
    assert check.passed
    verdict = text(check, "verdict")
    assert "every difference is explained" in verdict
    for model, ours, theirs in (
        (OPUS, "$15 in / $75 out", "$5 in / $25 out"),
        (HAIKU, "$0.25 in / $1.25 out", "$0.8 in / $4 out"),
    ):
        assert f"The price lists differ for {model}, by $" in verdict
        assert f"the dashboard's table has {ours}" in verdict
        assert f"openclaw.json has {theirs}" in verdict
        assert "| price lists differ |" in table_row(check, model)
    assert "The dashboard's costs use prices.toml" in verdict and "PRICING_FILE" in verdict
    assert "nothing to do" in verdict
    assert "| costs agree |" in table_row(check, SONNET)
    assert SONNET not in verdict
    assert text(check, "unexplained") == "none"
    # The numbers are the dashboard's and OpenClaw's own.
    dashboard = project.query("select sum(total_cost)::float8 from agent_usage_by_model")[0][0]
    assert check.metadata["dashboard_cost_usd"].value == pytest.approx(dashboard, abs=1e-6)
    recorded = usage_check(sample_version)["transcriptTotalsAll"]["costUsd"]
    assert check.metadata["openclaw_recorded_cost_usd"].value == pytest.approx(recorded, abs=1e-6)


def test_prices_equal_to_openclaws_agree(project: ProjectRuns, tmp_path: Path) -> None:
    project.use_sample("v2026.9.6")
    prices = tmp_path / "prices.toml"
    prices.write_text(OPENCLAWS_PRICES, encoding="utf-8")
    project.resources.pricing_file = prices
    check = cost_check(project)
    assert check.passed
    assert text(check, "verdict").startswith("Costs agree")
    assert text(check, "dashboard_prices") == f"{prices}, then genai-prices 0.2.5"
    for model in (OPUS, SONNET, HAIKU):
        assert "| costs agree |" in table_row(check, model)


def test_a_tampered_recorded_cost_fails_and_names_the_model_and_day(project: ProjectRuns) -> None:
    state = project.use_sample("v2026.5.28")
    sessions = state / "agents" / "dash" / "sessions"
    transcript = next(p for p in sorted(sessions.glob("*.jsonl")) if ".trajectory" not in p.name)
    lines = transcript.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if '"usage"' in line and '"role":"assistant"' in line)
    total = json.loads(lines[index])["message"]["usage"]["cost"]["total"]
    tampered = lines[index].replace(f'"total":{json.dumps(total)}', f'"total":{json.dumps(total + 0.5)}')
    assert tampered != lines[index]
    lines[index] = tampered
    transcript.write_text("\n".join(lines) + "\n", encoding="utf-8")

    check = cost_check(project)
    assert not check.passed
    assert text(check, "unexplained") == f"{HAIKU} on {DAY}"
    verdict = text(check, "verdict")
    assert verdict.startswith(f"Unexplained difference, look into it: {HAIKU} on {DAY}")
    assert "| unexplained |" in table_row(check, HAIKU)
    # Opus's difference is still the price lists, and still said to be.
    assert "| price lists differ |" in table_row(check, OPUS)
    assert f"The price lists differ for {OPUS}" in verdict


def test_an_unreadable_openclaw_json_cannot_tell_why(project: ProjectRuns) -> None:
    state = project.use_sample("v2026.9.6")
    (state / "openclaw.json").write_text("{ models: ", encoding="utf-8")
    check = cost_check(project)
    assert not check.passed
    verdict = text(check, "verdict")
    assert verdict.startswith(f"Cannot tell why the costs of {HAIKU}, {OPUS} differ")
    assert "openclaw.json could not be read" in verdict
    assert "explained" not in verdict and "agree" not in verdict
    assert "cannot tell why" in table_row(check, OPUS)
    assert "| costs agree |" in table_row(check, SONNET)  # equal costs need no rates to agree


def test_tiers_are_chosen_per_call_in_the_database(project: ProjectRuns) -> None:
    state = project.use_sample("v2026.9.6")
    cost_check(project)
    calls = project.query(
        "select input_tokens, output_tokens, cache_read_tokens, cache_write_tokens"
        " from openclaw_usage_events where model = 'claude-opus-4-6'",
    )
    prompts = sorted(i + cr + cw for i, _o, cr, cw in calls)
    edge = prompts[len(prompts) // 2]  # half of Opus's calls on each side of the tier edge
    # OpenClaw's rates now double from `edge` on: it recorded flat prices, so Opus is unexplained, and
    # its reproduced cost must be the per-call sum, not the day's tokens at one tier.
    config = json.loads((state / "openclaw.json").read_text(encoding="utf-8"))
    opus = config["models"]["providers"]["anthropic"]["models"][0]
    low = {"input": 5, "output": 25, "cacheRead": 0.5, "cacheWrite": 6.25}
    opus["cost"]["tieredPricing"] = [
        {"range": [0, edge], **low},
        {"range": [edge], **{k: v * 2 for k, v in low.items()}},
    ]
    (state / "openclaw.json").write_text(json.dumps(config), encoding="utf-8")
    check = cost_check(project)
    expected = sum(
        (i * 5 + o * 25 + cr * 0.5 + cw * 6.25) * (2 if i + cr + cw >= edge else 1) / 1e6
        for i, o, cr, cw in calls
    )
    reproduced = table_row(check, OPUS).strip("|").split("|")[-1].strip()
    assert float(reproduced.lstrip("$").replace(",", "")) == pytest.approx(expected, abs=1e-6)
    assert not check.passed and text(check, "unexplained") == f"{OPUS} on {DAY}"
    assert f"prompts from {edge:,} tokens: $10 in / $50 out" in table_row(check, OPUS)
