"""Record real OpenClaw transcripts in which the provider reports what it billed (OpenRouter).

    python -m mission_pipeline_tests.pricing.recording.record_billed OUT_DIR [--cli PATH]

One agent, `router`, on the custom provider `openrouter` (`api: "openai-completions"`, `baseUrl` the
stand-in chat-completions server `stand_in_openai.py`), model `anthropic/claude-sonnet-4.5` priced
3 / 15 / 0.3 / 3.75 USD per 1M. Its responses report OpenRouter's `usage.cost` on some calls:
OpenClaw keeps that as `usage.cost.total` with `totalOrigin: "provider-billed"`; on the others it
records the cost computed from the configured rates. The served costs are the computed cost x 1.05
(rounded to 7 decimals), so one can tell which won. Writes `OUT_DIR/state/`,
`OUT_DIR/ledger/served-usage.jsonl` and `OUT_DIR/cli/agent-turns/NNN-router.json`, as `record.py`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mission_pipeline_tests.pricing.recording.record import DEFAULT_CLI, run_turn, session
from mission_pipeline_tests.pricing.recording.stand_in_openai import (
    PlannedCompletion,
    PlannedCompletionUsage,
    serving,
)

API_KEY_ENV = "OC_STANDIN_OPENROUTER_KEY"
PROVIDER = "openrouter"
MODEL_ID = "anthropic/claude-sonnet-4.5"
AGENT = "router"
# USD per 1M tokens: Sonnet 4.5's base tier, as in the other recording.
SONNET_45_COST = {"input": 3, "output": 15, "cacheRead": 0.3, "cacheWrite": 3.75}
MARKUP = 1.05  # the served `cost` is the computed cost times this, rounded to 7 decimals


def computed_cost(usage: PlannedCompletionUsage) -> float:
    """The cost OpenClaw computes from the configured rates (input = prompt - cached - written)."""
    fresh = usage.prompt_tokens - usage.cached_tokens - usage.cache_write_tokens
    rates = SONNET_45_COST
    return (
        fresh * rates["input"]
        + usage.completion_tokens * rates["output"]
        + usage.cached_tokens * rates["cacheRead"]
        + usage.cache_write_tokens * rates["cacheWrite"]
    ) / 1e6


def billed(prompt: int, completion: int, cached: int, written: int) -> PlannedCompletionUsage:
    """A usage whose provider-reported `cost` is the computed cost x MARKUP."""
    plain = PlannedCompletionUsage(prompt, completion, cached, written)
    return PlannedCompletionUsage(
        prompt, completion, cached, written, round(computed_cost(plain) * MARKUP, 7)
    )


@dataclass(frozen=True)
class BilledTurn:
    """One `openclaw agent --local` turn of the router agent and the usage its model call reports."""

    message: str
    usage: PlannedCompletionUsage
    agent: str = AGENT
    model: str | None = None


TURNS: tuple[BilledTurn, ...] = (
    BilledTurn("Route this request.", billed(12_000, 500, cached=8_000, written=2_000)),
    BilledTurn("(turn 2) No cost reported.", PlannedCompletionUsage(15_000, 700, cached_tokens=12_000)),
    BilledTurn("(turn 3) Billed again.", billed(20_500, 1_200, cached=14_000, written=4_500)),
)


def build_config(state: Path, base_url: str) -> dict[str, Any]:
    """The `openclaw.json` of the recording: `openrouter` is the stand-in server."""
    model = {
        "id": MODEL_ID,
        "name": "Claude Sonnet 4.5 (OpenRouter)",
        "input": ["text"],
        "contextWindow": 1_000_000,
        "maxTokens": 32_000,
        "cost": SONNET_45_COST,
    }
    return {
        "update": {"checkOnStart": False},
        "telemetry": {"enabled": False},
        "models": {
            "mode": "merge",
            "catalogRefresh": {"enabled": False},
            "providers": {
                PROVIDER: {
                    "baseUrl": base_url,
                    "apiKey": "${" + API_KEY_ENV + "}",
                    "api": "openai-completions",
                    "models": [model],
                }
            },
        },
        "agents": {
            "ownership": "explicit",
            "defaults": {"model": {"primary": f"{PROVIDER}/{MODEL_ID}"}},
            "entries": {
                AGENT: {
                    "name": AGENT.capitalize(),
                    "workspace": str(state / f"workspace-{AGENT}"),
                    "model": f"{PROVIDER}/{MODEL_ID}",
                }
            },
        },
    }


def record(out: Path, cli: Sequence[str], timeout: float = 300) -> list[dict[str, Any]]:
    """Run the planned turns, in order, against a fresh state dir; returns the CLI's JSON results."""
    results: list[dict[str, Any]] = []
    with session(out) as run, serving(run.ledger) as server:
        (run.state / "openclaw.json").write_text(
            json.dumps(build_config(run.state, server.url), indent=2) + "\n"
        )
        env = {k: v for k, v in run.env().items() if not k.startswith(("OPENAI_", "OPENROUTER_"))}
        env[API_KEY_ENV] = "sk-or-stand-in-not-a-secret"
        for index, turn in enumerate(TURNS, start=1):
            server.plan(PlannedCompletion(model=MODEL_ID, agent=turn.agent, usage=turn.usage))
            result = run_turn(cli, env, turn, timeout)
            if server.pending(MODEL_ID):
                raise RuntimeError(f"turn {index} ({turn.agent}) made no model call")
            results.append(result)
            (run.turns_dir / f"{index:03d}-{turn.agent}.json").write_text(json.dumps(result, indent=2) + "\n")
        entries = [json.loads(line) for line in run.ledger.read_text().splitlines() if line.strip()]
        if not all(entry["planned"] for entry in entries) or len(entries) != len(TURNS):
            raise RuntimeError(f"served {len(entries)} responses for {len(TURNS)} turns: {entries}")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="an empty (or new) folder for state/, ledger/ and cli/")
    parser.add_argument("--cli", type=Path, default=DEFAULT_CLI, help="the openclaw executable")
    args = parser.parse_args(argv)
    if not args.cli.is_file():
        parser.error(f"no OpenClaw CLI at {args.cli}: run `make openclaw-cli`")
    results = record(args.out.resolve(), [str(args.cli)])
    print(f"recorded {len(results)} turns into {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
