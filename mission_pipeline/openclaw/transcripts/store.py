"""What a transcript store is: one kind of place OpenClaw keeps transcripts, seen from outside.

Each storage era is one `TranscriptStore` (today: `store_sqlite.AgentDatabase`, the per-agent
database of 2026.7.2 and later, and `store_files.SessionFiles`, the JSONL files of `sessions/`, live
or archived, plain or zstd), registered in `sources.STORES`. The inventory (`sources`), the change
detection (`source_times`) and the usage reader (`usage.read`) ask the stores and never look at a
kind themselves, so a new era is one new class.

The usage reader reads each store's parts (`read_steps`) as `reading.Section`s of raw lines; the
first copy of a call it reads is the one that counts, so the steps say when each part is read.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from mission_pipeline.openclaw.transcripts.call_times import CallBounds
from mission_pipeline.openclaw.transcripts.reading import AgentReading, Section


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


class ReadStep(NamedTuple):
    """When the usage reader reads one part of a store.

    Reading goes pass by pass, lowest `pass_number` first, each pass for every agent before the
    next; within a pass, an agent's parts go by `rank`. Today: pass 0 the database rows (the newest
    era's live transcripts), pass 1 the live files, pass 2 the archives (files at rank 0, then the
    database's own archives at rank 1, which skip those already read as files).
    """

    part: str
    pass_number: int
    rank: int


def read_passes(stores: Iterable[TranscriptStore]) -> list[list[tuple[TranscriptStore, str]]]:
    """The (store, part) steps of each pass, passes and steps in reading order."""
    steps = sorted(
        (
            ((step.pass_number, step.rank, order), store, step.part)
            for order, store in enumerate(stores)
            for step in store.read_steps
        ),
        key=lambda step: step[0],
    )
    passes: dict[int, list[tuple[TranscriptStore, str]]] = {}
    for (pass_number, _, _), store, part in steps:
        passes.setdefault(pass_number, []).append((store, part))
    return list(passes.values())


class TranscriptStore(ABC):
    """One storage kind: how to list its sources cheaply, the call times they hold, and their lines.

    Reading times raises OSError, `jsonl.ArchiveError` or sqlite3.Error when a source cannot be read;
    reading lines (`sections`) reports instead, to `reading.problems`, and goes on.
    """

    kinds: tuple[str, ...]
    """The `TranscriptSource.kind` values this store lists (and answers for)."""

    read_steps: tuple[ReadStep, ...]
    """The parts the usage reader reads (the `part` given to `sections`), and when."""

    @abstractmethod
    def sections(self, reading: AgentReading, part: str) -> Generator[Section, None, None]:
        """One agent's lines of this part that may fall in the reading's window, in a fixed order.

        Pruning by time happens here: a source that cannot hold a line of the window is not read.
        An error met while the reader iterates a section's lines is thrown in at its `yield`.
        """

    def session_keys(self, reading: AgentReading) -> dict[str, str]:
        """session id → session key, for other stores' lines that name only a session id."""
        return {}

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
