"""What a transcript store is: one kind of place OpenClaw keeps transcripts, seen from outside.

Each storage era is one `TranscriptStore` (today: `store_sqlite.AgentDatabase`, the per-agent
database of 2026.7.2 and later, and `store_files.SessionFiles`, the JSONL files of `sessions/`, live
or archived, plain or zstd). The inventory (`sources`) and the change detection (`source_times`)
ask the stores in `STORES` and never look at a kind themselves, so a new era is one new class.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mission_pipeline.openclaw.transcripts.call_times import CallBounds


@dataclass(frozen=True, slots=True)
class TranscriptSource:
    """One place transcripts are read from, with a fingerprint that changes when its content may have.

    `earliest_at`/`latest_at` bound the call times a database may hold (its session windows, rows
    and archives); None for files, whose times are read from their lines on demand (`source_times`):
    a file's mtime is the time of whatever last copied it, not of its calls. `readable` is False when
    the source could not be looked at (a database locked for a moment): its fingerprint then says
    nothing about change.
    """

    path: str
    agent_id: str
    kind: str
    fingerprint: str
    earliest_at: datetime | None
    latest_at: datetime | None
    readable: bool = True


class TranscriptStore(ABC):
    """One storage kind: how to list its sources cheaply and how to read the call times they hold.

    Reading times raises OSError, `jsonl.ArchiveError` or sqlite3.Error when a source cannot be read.
    """

    kinds: tuple[str, ...]
    """The `TranscriptSource.kind` values this store lists (and answers for)."""

    @abstractmethod
    def list_sources(self, state_dir: Path, agent_id: str, unlisted: list[str]) -> list[TranscriptSource]:
        """The agent's sources of this kind, fingerprinted without reading their contents.

        A folder that could not be listed goes to `unlisted` (relative to the state dir).
        """

    @abstractmethod
    def earliest_call(self, state_dir: Path, source: TranscriptSource) -> datetime | None:
        """The earliest call time the source may hold, read as cheaply as the store allows."""

    @abstractmethod
    def bounds(self, state_dir: Path, source: TranscriptSource) -> CallBounds:
        """Earliest and newest call time the source may hold; None where its contents do not tell."""

    @abstractmethod
    def appended_bounds(self, state_dir: Path, source: TranscriptSource, since: datetime) -> CallBounds:
        """The call times a source seen before can have gained since its newest call then (`since`)."""

    @abstractmethod
    def newest_call(self, state_dir: Path, source: TranscriptSource) -> datetime | None:
        """The newest call time where it is cheap to read; None where it is not (or not known)."""

    @abstractmethod
    def is_empty(self, state_dir: Path, source: TranscriptSource) -> bool:
        """True when the source holds no call, so naming no time is not a problem."""
