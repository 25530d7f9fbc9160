"""What a store hands the usage reader: sections of raw lines, and what one agent's read shares.

A store's `sections` yields `Section`s: runs of lines of one session from one place (a file, a
session's rows, an archive), each line with its position. The usage reader parses them; when
iterating a section's lines raises, it throws the error back into the store's generator at the
`yield` of that section, so the store reports it the way its kind needs and decides whether to go
on. `AgentReading` is the state of one agent's read that the stores share: the window, the problem
log, the sources already read in full (another store's copies of them are skipped), the sources
that failed (not tried again), and the session keys of lines that carry only a session id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.transcripts.jsonl import ArchiveError
from mission_pipeline.openclaw.transcripts.keys import CronKeys
from mission_pipeline.openclaw.transcripts.line_index import LineIndex, LineRecorder

if TYPE_CHECKING:
    from mission_pipeline.openclaw.transcripts.store import TranscriptStore

TOO_LONG = "line too long; skipped"


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A line or row that holds nothing the parser could look at, and why."""

    reason: str


class Section:
    """A run of transcript lines of one session, as a store hands it to the usage reader.

    `lines` yields (position, line) in order. The position is the 1-based line number in `path`,
    or, when `row` is set, a row number that problems name as `row` + position. Instead of bytes a
    line may be None (longer than `jsonl.MAX_LINE_BYTES`) or `Unreadable`. `source` is the
    `UsageEvent.source` of its calls. When iterating `lines` raises, `read_to` is the last position
    read before the error is thrown into the store (0 when none was).
    """

    __slots__ = ("lines", "observer", "path", "read_to", "row", "session_id", "session_key", "source")

    def __init__(
        self,
        path: str,
        session_id: str,
        session_key: str | None,
        source: str,
        lines: Iterable[tuple[int, bytes | Unreadable | None]],
        row: str | None = None,
    ) -> None:
        self.path, self.session_id, self.session_key, self.source = path, session_id, session_key, source
        self.lines, self.row = lines, row
        self.read_to = 0
        self.observer: LineRecorder | None = None
        """Told of each call read and each unreadable line, when the store keeps a line index."""

    def problem(self, problems: ProblemLog, message: str, position: int) -> None:
        """Report a problem at one position of this section."""
        if self.observer is not None:
            self.observer.no_checkpoint_after()
        if self.row is None:
            problems.add(self.path, message, line=position)
        else:
            problems.add(self.path, message, row=f"{self.row}{position}")


class AgentReading:
    """One agent's usage read: what its stores share while the reader goes through their parts."""

    def __init__(
        self,
        state_dir: Path,
        agent_id: str,
        problems: ProblemLog,
        window_ms: tuple[int | None, int | None],
        cron: CronKeys,
        stores: Sequence[TranscriptStore],
        line_index: LineIndex | None = None,
    ) -> None:
        self.state_dir, self.agent_id, self.problems = state_dir, agent_id, problems
        self.line_index = line_index
        """Checkpoints of plain transcripts kept between runs (`line_index`), if the caller keeps them."""
        self.start_ms, self.end_ms = window_ms
        self.read_in_full: set[str] = set()
        """Sources (paths relative to the state dir) read to their end, or pruned as holding no
        line of the window: copies of them that another store holds need not be read."""
        self.failed: set[str] = set()
        """Sources that failed and were reported once: not tried again in this read."""
        self.listings: dict[str, object] = {}
        """What a store listed once for this read (by a name the store picks)."""
        self._cron, self._stores = cron, stores
        self._keys: dict[str, str] | None = None

    def session_key(self, session_id: str) -> str | None:
        """The session key of a transcript whose lines name only its session id (None if unknown)."""
        if self._keys is None:
            keys: dict[str, str] = {}
            for store in self._stores:  # the first store that knows a session names it
                for known_id, known_key in store.session_keys(self).items():
                    keys.setdefault(known_id, known_key)
            self._keys = keys
        key = self._keys.get(session_id)
        # The cron run logs name only the sessions of past cron runs: read them only for those.
        return key if key is not None else self._cron.keys().get(session_id)

    def lines_stopped(self, section: Section, exc: ArchiveError | OSError) -> None:
        """Report a stream of lines (a file, an archive) that could not be read to its end."""
        after = section.read_to
        if isinstance(exc, ArchiveError):
            self.problems.add(section.path, f"{exc}; lines after {after} not read", line=after + 1)
        else:
            where = after + 1 if after else None
            self.problems.add(section.path, f"cannot read: {exc.strerror or exc}", line=where)
