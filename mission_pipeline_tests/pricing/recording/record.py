"""Record real OpenClaw transcripts whose `usage.cost` a cost engine must reproduce.

    python -m mission_pipeline_tests.pricing.recording.record OUT_DIR [--cli PATH]

Creates a fresh OpenClaw state dir (`OUT_DIR/state`, with an `openclaw.json` naming the stand-in
Anthropic server as the base URL of every provider), runs the planned agent turns with the real CLI
(`openclaw agent --local --agent <id> --message ... --json`), then replaces the state dir by a
scrubbed copy (SQLite online backups with key material blanked; locks, caches and logs left out).
Writes `OUT_DIR/state/`, `OUT_DIR/ledger/served-usage.jsonl` (every served response with its exact
usage) and `OUT_DIR/cli/agent-turns/NNN-<agent>.json` (what the CLI printed).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from mission_pipeline_tests.pricing.recording.stand_in_anthropic import (
    PlannedCall,
    PlannedUsage,
    serving,
)

REPO = Path(__file__).resolve().parents[3]
DEFAULT_CLI = REPO / ".openclaw-cli" / "bin" / "openclaw"
OPENCLAW_VERSION = "2026.9.6"
API_KEY_ENV = "OC_STANDIN_ANTHROPIC_KEY"

SONNET_45_COST: dict[str, Any] = {
    "input": 3,
    "output": 15,
    "cacheRead": 0.3,
    "cacheWrite": 3.75,
    "tieredPricing": [
        {"range": [0, 200001], "input": 3, "output": 15, "cacheRead": 0.3, "cacheWrite": 3.75},
        {"range": [200001], "input": 6, "output": 22.5, "cacheRead": 0.6, "cacheWrite": 7.5},
    ],
}
HAIKU_35_COST = {"input": 0.25, "output": 1.25, "cacheRead": 0.025, "cacheWrite": 0.3125}
HAIKU_45_COST = {"input": 1, "output": 5, "cacheRead": 0.1, "cacheWrite": 1.25}

# provider -> [(model id, display name, cost or None)]
PROVIDERS: dict[str, list[tuple[str, str, dict[str, Any] | None]]] = {
    "anthropic": [
        ("claude-sonnet-4-5", "Claude Sonnet 4.5", SONNET_45_COST),
        ("claude-haiku-4-5", "Claude Haiku 4.5", HAIKU_45_COST),
        ("acme-mystery-1", "Acme Mystery 1", None),
    ],
    "amazon-bedrock": [
        ("us.anthropic.claude-3-5-haiku-20241022-v1:0", "Claude 3.5 Haiku (Bedrock)", HAIKU_35_COST),
        ("anthropic.claude-sonnet-4-5-20250929-v1:0", "Claude Sonnet 4.5 (Bedrock)", SONNET_45_COST),
    ],
    "google-vertex": [
        ("claude-sonnet-4-5@20250929", "Claude Sonnet 4.5 (Vertex)", SONNET_45_COST),
    ],
}

# agent -> (primary model ref, extra agent entry fields)
AGENTS: dict[str, tuple[str, dict[str, Any]]] = {
    "long": ("anthropic/claude-sonnet-4-5", {"params": {"cacheRetention": "long"}}),
    "bedrock": ("amazon-bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0", {}),
    "vertex": ("google-vertex/claude-sonnet-4-5@20250929", {}),
    "fresh": ("anthropic/claude-haiku-4-5", {}),
    "mystery": ("anthropic/acme-mystery-1", {}),
}


@dataclass(frozen=True)
class Turn:
    """One `openclaw agent --local` turn and the usage its single model call reports."""

    agent: str
    message: str
    usage: PlannedUsage
    model: str | None = None  # a `--model` override for this run (provider/model)

    @property
    def model_id(self) -> str:
        """The model id the request names (each model belongs to one agent: its queue key)."""
        return (self.model or AGENTS[self.agent][0]).split("/", 1)[1]


U = PlannedUsage
TURNS: tuple[Turn, ...] = (
    # long: Sonnet 4.5 with 1-hour caching; prompts around the 200,000-token tier boundary.
    Turn(
        "long",
        "Summarise the attached contract.",
        U(25_000, 900, cache_read=180_000, cache_write=5_000, split=(2_000, 3_000)),
    ),
    Turn(
        "long",
        "(turn 2) Exactly at the boundary.",
        U(12_000, 700, cache_read=180_000, cache_write=8_000, split=(0, 8_000)),
    ),
    Turn(
        "long",
        "(turn 3) One past the boundary, no split.",
        U(12_001, 650, cache_read=180_000, cache_write=8_000),
    ),
    Turn(
        "long",
        "(turn 4) A short follow-up.",
        U(3_000, 420, cache_read=20_000, cache_write=4_000, split=(1_000, 3_000)),
    ),
    Turn(
        "long",
        "(turn 5) Long again, 1h only.",
        U(30_000, 1_200, cache_read=175_000, cache_write=6_000, split=(0, 6_000)),
    ),
    # bedrock: Claude 3.5 Haiku, then Sonnet 4.5 by --model for the rest.
    Turn(
        "bedrock",
        "Check the deploy log.",
        U(2_100, 300, cache_read=12_000, cache_write=1_500, split=(1_500, 0)),
    ),
    Turn("bedrock", "(turn 2) Anything else?", U(1_800, 250, cache_read=13_500, cache_write=600)),
    Turn(
        "bedrock",
        "(turn 3) Now think harder.",
        U(4_000, 800, cache_read=198_000, cache_write=2_000, split=(1_000, 1_000)),
        model="amazon-bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0",
    ),
    Turn(
        "bedrock",
        "(turn 4) And once more.",
        U(3_000, 500, cache_read=20_000, cache_write=1_000, split=(1_000, 0)),
        model="amazon-bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0",
    ),
    # vertex: Sonnet 4.5 on Vertex, below and above the boundary.
    Turn("vertex", "Plan the trip.", U(5_000, 600, cache_read=30_000, cache_write=2_500, split=(2_500, 0))),
    Turn(
        "vertex",
        "(turn 2) With all the documents.",
        U(40_000, 1_000, cache_read=160_000, cache_write=10_000, split=(4_000, 6_000)),
    ),
    Turn("vertex", "(turn 3) Short answer please.", U(1_000, 200, cache_read=8_000)),
    # fresh: Haiku 4.5 (not in the project's own price table).
    Turn("fresh", "Triage the inbox.", U(3_500, 400, cache_read=0, cache_write=9_000, split=(9_000, 0))),
    Turn(
        "fresh", "(turn 2) Next batch.", U(1_200, 350, cache_read=9_000, cache_write=1_100, split=(1_100, 0))
    ),
    Turn("fresh", "(turn 3) Last one.", U(900, 150, cache_read=10_100, cache_write=0, split=(0, 0))),
    # mystery: a model with no configured cost (OpenClaw records 0).
    Turn("mystery", "Who are you?", U(2_000, 120, cache_read=0, cache_write=3_000, split=(3_000, 0))),
    Turn("mystery", "(turn 2) Really?", U(500, 80, cache_read=3_000, cache_write=400)),
)


def build_config(state: Path, base_url: str) -> dict[str, Any]:
    """The `openclaw.json` of the recording: every provider is the stand-in server."""
    providers: dict[str, Any] = {}
    for provider, models in PROVIDERS.items():
        entries = []
        for model_id, name, cost in models:
            entry: dict[str, Any] = {
                "id": model_id,
                "name": name,
                "input": ["text"],
                "contextWindow": 1_000_000,
                "maxTokens": 32_000,
            }
            if cost is not None:
                entry["cost"] = cost
            entries.append(entry)
        providers[provider] = {
            "baseUrl": base_url,
            "apiKey": "${" + API_KEY_ENV + "}",
            "api": "anthropic-messages",
            "models": entries,
        }
    agents: dict[str, Any] = {}
    for agent, (model, extra) in AGENTS.items():
        agents[agent] = {
            "name": agent.capitalize(),
            "workspace": str(state / f"workspace-{agent}"),
            "model": model,
            **extra,
        }
    return {
        "update": {"checkOnStart": False},
        "telemetry": {"enabled": False},
        "models": {"mode": "merge", "catalogRefresh": {"enabled": False}, "providers": providers},
        "agents": {
            "ownership": "explicit",
            "defaults": {"model": {"primary": AGENTS["long"][0]}},
            "entries": agents,
        },
    }


def cli_env(home: Path, state: Path) -> dict[str, str]:
    """A throwaway HOME, the recording's state dir, and the dummy API key."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OPENCLAW_", "ANTHROPIC_", "AWS_", "GOOGLE_", "CLAUDE_"))
    }
    env.update(
        {
            "HOME": str(home),
            "OPENCLAW_STATE_DIR": str(state),
            API_KEY_ENV: "sk-stand-in-not-a-secret",
            "NO_COLOR": "1",
            "TZ": "UTC",
        }
    )
    return env


class AgentTurn(Protocol):
    """What `run_turn` needs of a planned turn."""

    @property
    def agent(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def model(self) -> str | None: ...


def run_turn(cli: Sequence[str], env: dict[str, str], turn: AgentTurn, timeout: float) -> dict[str, Any]:
    command = [*cli, "agent", "--local", "--agent", turn.agent, "--message", turn.message, "--json"]
    if turn.model is not None:
        command += ["--model", turn.model]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    start = done.stdout.find("{")
    result: dict[str, Any] = json.loads(done.stdout[start:])
    return result


# Files the copy leaves out: SQLite sidecars (the backup holds their content), key material, locks.
_SKIP_NAMES = re.compile(r"(-shm|-wal|-journal|\.lock|\.key)$")
_SKIP_DIRS = {"cache", "tmp", "logs"}
# Columns blanked in every copied database (the sample README: device keys, HMAC keys).
_SECRET_COLUMN = re.compile(
    r"private_key|hmac_key|secret|password|token_hash|^token$|_token$|credential", re.I
)


def scrubbed_copy(source: Path, destination: Path) -> list[dict[str, Any]]:
    """Copy a state dir, SQLite by online backup with secret columns blanked; returns a manifest."""
    manifest: list[dict[str, Any]] = []
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if rel.parts[0] in _SKIP_DIRS:
            continue
        if path.is_dir() or path.is_symlink():
            continue
        if _SKIP_NAMES.search(path.name):
            manifest.append({"path": rel.as_posix(), "action": "skipped"})
            continue
        target = destination / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".sqlite":
            scrubbed = _backup_sqlite(path, target)
            manifest.append({"path": rel.as_posix(), "action": "sqlite-backup", "scrubbed": scrubbed})
        else:
            shutil.copy2(path, target)
            manifest.append({"path": rel.as_posix(), "action": "copied"})
    return manifest


def _backup_sqlite(source: Path, target: Path) -> list[str]:
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        scrubbed: list[str] = []
        tables = [r[0] for r in dst.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [(r[1], str(r[2]).upper()) for r in dst.execute(f'PRAGMA table_info("{table}")')]
            for column, kind in columns:
                if not _SECRET_COLUMN.search(column) or not ("TEXT" in kind or "BLOB" in kind):
                    continue
                # Same length (CHECK constraints): zero bytes for a BLOB, "x" characters for TEXT.
                zeros = f'zeroblob(length("{column}"))'
                blank = (
                    zeros
                    if "BLOB" in kind
                    else f"substr(replace(hex({zeros}), '0', 'x'), 1, length(\"{column}\"))"
                )
                try:
                    changed = dst.execute(
                        f'UPDATE "{table}" SET "{column}" = {blank} WHERE "{column}" IS NOT NULL'
                    ).rowcount
                except sqlite3.IntegrityError:
                    changed = dst.execute(f'DELETE FROM "{table}" WHERE "{column}" IS NOT NULL').rowcount
                    column += " (rows deleted)"
                if changed:
                    scrubbed.append(f"{table}.{column} ({changed})")
        dst.commit()
        dst.execute("PRAGMA journal_mode = DELETE")
        return scrubbed
    finally:
        src.close()
        dst.close()


@dataclass(frozen=True)
class Session:
    """Where one recording runs: the live state dir (at its final path), the ledger, the CLI env."""

    state: Path
    ledger: Path
    turns_dir: Path
    scratch: Path
    home: Path

    def env(self) -> dict[str, str]:
        env = cli_env(self.home, self.state)
        env["NODE_COMPILE_CACHE"] = str(self.scratch / "node-compile-cache")
        return env


@contextmanager
def session(out: Path) -> Iterator[Session]:
    """An empty `out/state` with a throwaway HOME; on success the state is replaced by a scrubbed copy.

    OpenClaw runs against a live state dir at the final path (its workspaces are named by it); it is
    moved aside and replaced by the scrubbed copy (with `MANIFEST.json`) at the end.
    """
    out.mkdir(parents=True, exist_ok=True)
    for name in ("state", "ledger", "cli"):
        if (out / name).exists():
            raise FileExistsError(f"{out / name} exists: record into an empty folder")
    turns_dir = out / "cli" / "agent-turns"
    turns_dir.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="openclaw-recording-") as scratch:
        state = out / "state"
        state.mkdir()
        home = Path(scratch) / "home"
        home.mkdir()
        yield Session(state, out / "ledger" / "served-usage.jsonl", turns_dir, Path(scratch), home)
        live = Path(scratch) / "live-state"
        shutil.move(state, live)
        manifest = scrubbed_copy(live, state)
        (state / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n")


def record(out: Path, cli: Sequence[str], timeout: float = 300) -> list[dict[str, Any]]:
    """Run every planned turn, in plan order, against a fresh state dir; returns the CLI's JSON results.

    Turns run one at a time: OpenClaw 2026.9.6 refuses a second concurrent CLI run on the same state
    dir ("failed to acquire gateway state ownership"), so agents cannot run side by side.
    """
    results: dict[int, dict[str, Any]] = {}
    with session(out) as run, serving(run.ledger) as server:
        (run.state / "openclaw.json").write_text(
            json.dumps(build_config(run.state, server.url), indent=2) + "\n"
        )
        env = run.env()
        for index, turn in enumerate(TURNS, start=1):
            server.plan(PlannedCall(model=turn.model_id, agent=turn.agent, usage=turn.usage))
            result = run_turn(cli, env, turn, timeout)
            if server.pending(turn.model_id):
                raise RuntimeError(f"turn {index} ({turn.agent}) made no model call")
            results[index] = result
            text = json.dumps(result, indent=2) + "\n"
            (run.turns_dir / f"{index:03d}-{turn.agent}.json").write_text(text)
        _check_ledger(run.ledger)
    return [results[index] for index in sorted(results)]


def _check_ledger(ledger: Path) -> None:
    entries = [json.loads(line) for line in ledger.read_text().splitlines() if line.strip()]
    unplanned = [e for e in entries if not e["planned"]]
    if unplanned:
        raise RuntimeError(f"{len(unplanned)} unplanned model calls: {unplanned}")
    if len(entries) != len(TURNS):
        raise RuntimeError(f"served {len(entries)} responses for {len(TURNS)} turns")


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
