"""Cheap fingerprints of every transcript source, for a sensor that reruns only on change.

Nothing here reads transcript contents: each store in `STORES` lists its sources for each agent
(see `store_sqlite` and `store_files` for what their fingerprints are made of).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mission_pipeline.openclaw.transcripts.files import agent_ids_in
from mission_pipeline.openclaw.transcripts.store import TranscriptSource, TranscriptStore
from mission_pipeline.openclaw.transcripts.store_files import SessionFiles
from mission_pipeline.openclaw.transcripts.store_sqlite import AgentDatabase

__all__ = [
    "STORES",
    "TranscriptInventory",
    "TranscriptSource",
    "list_transcript_sources",
    "store_of",
    "transcript_inventory",
]

# Every storage kind OpenClaw has used; a new storage era is one more entry.
STORES: tuple[TranscriptStore, ...] = (AgentDatabase(), SessionFiles())


def store_of(source: TranscriptSource) -> TranscriptStore:
    """The store that listed `source` (KeyError for a kind no store lists)."""
    for store in STORES:
        if source.kind in store.kinds:
            return store
    raise KeyError(f"no transcript store lists sources of kind {source.kind!r}")


@dataclass(frozen=True, slots=True)
class TranscriptInventory:
    """Every source found, and the folders that could not be listed (their sources are unknown)."""

    sources: list[TranscriptSource]
    unlisted: list[str]

    def covers(self, path: str) -> bool:
        """False when `path` lies in a folder that could not be listed: absent here is not gone."""
        return not any(path == folder or path.startswith(folder + "/") for folder in self.unlisted)


def list_transcript_sources(
    state_dir: Path, agent_ids: Sequence[str] | None = None
) -> list[TranscriptSource]:
    """Every transcript source of the given (default: all) agents, sorted by path."""
    return transcript_inventory(state_dir, agent_ids).sources


def transcript_inventory(state_dir: Path, agent_ids: Sequence[str] | None = None) -> TranscriptInventory:
    """Every transcript source of the given (default: all) agents, and what could not be listed."""
    found: list[TranscriptSource] = []
    unlisted: list[str] = []
    if agent_ids is None:
        try:
            os.scandir(state_dir / "agents").close()
        except FileNotFoundError:
            pass
        except OSError:
            unlisted.append("agents")
    for agent_id in agent_ids_in(state_dir, agent_ids):
        for store in STORES:
            found += store.list_sources(state_dir, agent_id, unlisted)
    return TranscriptInventory(sorted(found, key=lambda s: s.path), unlisted)
