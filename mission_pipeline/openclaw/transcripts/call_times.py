"""When a transcript's calls were made, read from the transcript itself, never from file times.

A copied state directory (`cp -r`, a restore, a volume synced from another host) gives every file
the time of the copy, so a file's mtime says nothing about the days its calls belong to. Lines name
their own time (`timestamp`, else `message.timestamp`): the first lines of a transcript (its session
header, and for a fork the parent's lines it copied) bound its earliest call, the last lines its
newest. Both ends are read without reading the whole file; a compressed archive is read through.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mission_pipeline.openclaw.transcripts.jsonl import Line, iter_file_lines, open_transcript
from mission_pipeline.openclaw.usage.call import line_time
from mission_pipeline.openclaw.values import epoch_ms_to_utc

# A header, a model change, a few copied or user lines: the first call is within this many lines.
HEAD_LINES = 32
# The last line of a live transcript is a few KiB at most; one read of this size holds it.
TAIL_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class CallBounds:
    """The earliest and newest line times found (None when no line named a usable time)."""

    earliest: datetime | None
    latest: datetime | None


def line_moment(raw: bytes) -> datetime | None:
    """The time one transcript line names: its `timestamp`, else `message.timestamp`, if plausible."""
    if b"timestamp" not in raw:
        return None
    try:
        line = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(line, dict):
        return None
    moment = line_time(line.get("timestamp"))
    message = line.get("message")
    if moment is None and isinstance(message, dict):
        moment = epoch_ms_to_utc(message.get("timestamp"), plausible=True)
    return moment


def head_earliest(lines: Iterable[Line], limit: int = HEAD_LINES) -> datetime | None:
    """The earliest time among the first `limit` lines (fork copies come first, and are older)."""
    found = []
    for count, (_number, data) in enumerate(lines, start=1):
        moment = line_moment(data) if data is not None else None
        if moment is not None:
            found.append(moment)
        if count >= limit:
            break
    return min(found, default=None)


def file_call_bounds(path: Path, *, compressed: bool) -> CallBounds:
    """Earliest and newest line time of a transcript file (OSError and ArchiveError propagate)."""
    if compressed:  # one pass: the end of a zstd stream is only reached through all of it
        moments = _all_moments(path)
        return CallBounds(min(moments, default=None), max(moments, default=None))
    return CallBounds(file_earliest(path, compressed=False), file_latest(path, compressed=False))


def file_earliest(path: Path, *, compressed: bool) -> datetime | None:
    """The earliest call time of a transcript file, from its first lines only."""
    lines = iter_file_lines(path, compressed=compressed)
    try:
        return head_earliest(lines)
    finally:
        lines.close()


def file_latest(path: Path, *, compressed: bool) -> datetime | None:
    """The newest call time of a transcript file: its tail, or all of a compressed archive."""
    if compressed:  # archives are written once, so this is read when one appears, not on every tick
        return max(_all_moments(path), default=None)
    return _tail_latest(path)


def _all_moments(path: Path) -> list[datetime]:
    every = (line_moment(data) for _, data in iter_file_lines(path, compressed=True) if data)
    return [moment for moment in every if moment is not None]


def _tail_latest(path: Path) -> datetime | None:
    """The newest time among the complete lines in the file's last TAIL_BYTES."""
    with open_transcript(path) as handle:
        size = handle.seek(0, 2)
        start = max(0, size - TAIL_BYTES)
        handle.seek(start)
        tail = handle.read()
    lines = tail.split(b"\n")
    if start > 0:
        lines = lines[1:]  # cut in the middle of a line
    moments = [m for raw in lines if raw.strip() and (m := line_moment(raw)) is not None]
    return max(moments, default=None)
