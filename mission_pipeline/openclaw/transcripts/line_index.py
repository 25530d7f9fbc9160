"""Where a transcript's lines stand in time, kept between runs, so that a day's read skips the past.

A JSONL transcript only grows at its end, and the day after a long-lived session's busy week the
nightly run would read that week again to find the day's few calls. While a plain file is read, a
`LineRecorder` notes checkpoints at line boundaries every `CHECKPOINT_BYTES`: the byte offset, the
lines before it, and the newest call time on any of them. A later read whose window starts after
that time starts at the checkpoint instead: the lines before it hold no call of the window.

The legacy cron run logs are indexed the same way, by the time each isolated run ended: a day's
read needs the job of its own runs' sessions only, and an isolated run that ended before the window
wrote no line of it (a run in a session that lives on is never skipped).

Used only when it is safe: the same file (device and inode), at least as long, and the bytes just
before the offset as recorded (a file rewritten in place is read from its start). No checkpoint is
made after a line that could not be read, so a bad line is still reported by every read that
covers it. The index is a cache in the pipeline's data folder: unreadable, it is rebuilt; a file
not read in a run drops out of it, so it holds about the files one run reads.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from mission_pipeline.openclaw.transcripts.jsonl import Resume

CHECKPOINT_BYTES = 256 << 10
_TAIL = 32  # bytes before a checkpoint that must still be there
_VERSION = 1


class Checkpoint(NamedTuple):
    """A line boundary of a file: its offset, the lines before it, the newest call time before it."""

    offset: int
    lines: int
    newest_ms: int
    tail: str  # hex of the `_TAIL` bytes before `offset`


class LineIndex:
    """Checkpoints per transcript or cron run log (path relative to the state dir), loaded from and
    saved to `path`."""

    def __init__(self, path: Path, files: dict[str, Any]) -> None:
        self.path = path
        self._files = files
        self._kept: dict[str, Any] = {}

    @classmethod
    def load(cls, path: Path) -> LineIndex:
        """The index saved at `path`; empty when there is none or it cannot be read (a cache)."""
        try:
            data = json.loads(path.read_bytes())
            files = data["files"] if data.get("version") == _VERSION else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            files = {}
        return cls(path, files if isinstance(files, dict) else {})

    def resume(self, rel: str, path: Path, start_ms: int) -> tuple[Resume | None, LineRecorder]:
        """Where to start reading `path` for a window from `start_ms`, and the recorder of this read."""
        try:
            status = os.stat(path)
        except OSError:
            return None, LineRecorder(self, rel, path, None, ())
        identity = (status.st_dev, status.st_ino)
        entry = self._files.get(rel)
        known: tuple[Checkpoint, ...] = ()
        if isinstance(entry, dict) and tuple(entry.get("file", ())) == identity:
            try:
                known = tuple(Checkpoint(*c) for c in entry["checkpoints"])
            except (TypeError, KeyError):
                known = ()
        usable = [c for c in known if c.offset <= status.st_size and c.newest_ms < start_ms]
        for checkpoint in reversed(usable):
            if _tail(path, checkpoint.offset) == checkpoint.tail:
                kept = tuple(c for c in known if c.offset <= checkpoint.offset)
                return (checkpoint.offset, checkpoint.lines), LineRecorder(self, rel, path, identity, kept)
        return None, LineRecorder(self, rel, path, identity, ())

    def keep(self, rel: str, identity: tuple[int, int], checkpoints: list[Checkpoint]) -> None:
        """Keep a file's checkpoints for the next run."""
        self._kept[rel] = {"file": list(identity), "checkpoints": [list(c) for c in checkpoints]}

    def save(self) -> str | None:
        """Write the files read this run to `path` (atomically); the error, if it could not be saved."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            partial.write_text(json.dumps({"version": _VERSION, "files": self._kept}))
            os.replace(partial, self.path)
        except OSError as exc:
            return f"could not save the transcript line index {self.path}: {exc.strerror or exc}"
        return None


class LineRecorder:
    """Notes checkpoints while one plain file is read: `position` follows the reader's newlines."""

    def __init__(
        self,
        index: LineIndex,
        rel: str,
        path: Path,
        identity: tuple[int, int] | None,
        known: tuple[Checkpoint, ...],
    ) -> None:
        self._index, self._rel, self._path, self._identity = index, rel, path, identity
        self.position = [known[-1].offset, known[-1].lines] if known else [0, 0]
        self._checkpoints = list(known)
        self._newest = known[-1].newest_ms if known else 0
        self._fresh: list[tuple[int, int, int]] = []
        self._clean = identity is not None

    def call(self, occurred_at: datetime) -> None:
        """A call was read on the line just yielded."""
        self.timed(int(occurred_at.timestamp() * 1000))

    def timed(self, moment: int) -> None:
        """The line just yielded is of `moment` in epoch ms (a call's time, a cron run's end)."""
        if moment > self._newest:
            self._newest = moment
        offset = self.position[0]
        if self._clean and offset - self._last_offset() >= CHECKPOINT_BYTES:
            self._fresh.append((offset, self.position[1], self._newest))

    def _last_offset(self) -> int:
        if self._fresh:
            return self._fresh[-1][0]
        return self._checkpoints[-1].offset if self._checkpoints else 0

    def no_checkpoint_after(self) -> None:
        """The line just yielded may matter to any later window (it could not be read, or it is a cron
        run whose session lives on): no checkpoint after it."""
        self._clean = False

    def finish(self) -> None:
        """The file was read to its end: keep its checkpoints, one at its last newline too."""
        if self._identity is None:
            return
        if self._clean and self.position[0] > self._last_offset():
            self._fresh.append((self.position[0], self.position[1], self._newest))
        for offset, lines, newest in self._fresh:
            tail = _tail(self._path, offset)
            if tail is None:
                break
            self._checkpoints.append(Checkpoint(offset, lines, newest, tail))
        self._index.keep(self._rel, self._identity, self._checkpoints)


def _tail(path: Path, offset: int) -> str | None:
    """Hex of the bytes before `offset` (None when they cannot be read)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(max(offset - _TAIL, 0))
            return handle.read(min(offset, _TAIL)).hex()
    except OSError:
        return None
