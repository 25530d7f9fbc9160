"""The transcripts the real OpenClaw 2026.9.6 recorded with known prices, in both storage eras.

The recording (`data/openclaw-cost/`) is SQLite-era state. Its file-era twin is built from the very
same rows: each session's `transcript_events` JSON, in order, as that session's JSONL file, which is
how OpenClaw 2026.5.28 and earlier kept the same lines.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from mission_pipeline.openclaw.relocate import copy_state_dir
from mission_pipeline_tests.pricing.recording.read import transcript_rows

DATA = Path(__file__).resolve().parents[1] / "data" / "openclaw-cost"
RECORDING = DATA / "v2026.9.6"
# One agent on an OpenRouter-style provider; two of its three calls carry the cost the provider billed.
BILLED_RECORDING = DATA / "v2026.9.6-provider-billed"
ERAS = ("sqlite", "jsonl")


def recorded_state(destination: Path, era: str, recording: Path = RECORDING) -> Path:
    """A writable copy of `recording`'s state dir in `era`'s layout."""
    state = copy_state_dir(recording / "state", destination / "state")
    if era == "jsonl":
        for database in sorted(state.glob("agents/*/agent/openclaw-agent.sqlite")):
            agent = database.parents[1]
            _write_jsonl_sessions(database, agent / "sessions")
            shutil.rmtree(agent / "agent")
    return state


def _write_jsonl_sessions(database: Path, sessions: Path) -> None:
    sessions.mkdir(parents=True, exist_ok=True)
    for stale in sessions.glob("*.jsonl*"):
        stale.unlink()  # leftovers of the SQLite era would be read twice
    lines: dict[str, list[bytes]] = {}
    for session_id, _seq, data in transcript_rows(database):
        lines.setdefault(session_id, []).append(data.rstrip(b"\n") + b"\n")
    for session_id, session_lines in lines.items():
        (sessions / f"{session_id}.jsonl").write_bytes(b"".join(session_lines))
