"""What the generated history is made of: agent names, models and their prices, topics, tool paths."""

from __future__ import annotations

AGENT_NAMES = ["main", "max", "dash", "atlas", "amber", "nova", "orion", "pixel", "quill", "rune"]
# Per-1M prices OpenClaw had configured in the samples (openclaw.json), used for the recorded cost.
PRICES = {
    "claude-opus-4-6": (5.0, 25.0, 0.5, 6.25),
    "claude-sonnet-4-5": (3.0, 15.0, 0.3, 3.75),
    "claude-haiku-3-5": (0.8, 4.0, 0.08, 1.0),
}
MODELS = list(PRICES)
TOPICS = [
    "refactor-auth",
    "budget-2027",
    "expenses-oct",
    "pricing-page",
    "inbox-triage",
    "reading-list",
    "groceries",
    "visa-research",
    "oncall-handoff",
    "old-incident",
    "release-notes",
    "hiring-loop",
    "q3-review",
    "travel-lisbon",
    "tax-docs",
    "newsletter",
    "db-migration",
    "customer-acme",
    "perf-regression",
    "blog-draft",
    "roadmap",
    "vendor-compare",
    "security-audit",
    "team-offsite",
]
TOOL_PATHS = [
    "MEMORY.md",
    "USER.md",
    "projects/clients/acme/notes/kickoff.md",
    "memory/2026-11-20.md",
    "AGENTS.md",
]


def agent_ids(n: int) -> list[str]:
    """The ids of `n` agents: the named ones first, then `agentNN`."""
    return [AGENT_NAMES[i] if i < len(AGENT_NAMES) else f"agent{i:02d}" for i in range(n)]


def primary_model(agent_no: int) -> str:
    """The model an agent is configured with (and starts every session on)."""
    return MODELS[agent_no % 3]
