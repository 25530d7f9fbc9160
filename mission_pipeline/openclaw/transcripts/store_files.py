"""The file era (OpenClaw ≤ 2026.7.1, and archives after it): transcript files in `sessions/`.

Live transcripts (`jsonl`) and archives (`archive`: reset or deleted copies, plain or zstd) are
listed together in one pass over the folder; each file is one source fingerprinted by size and
mtime. Their call times are read from their lines (`call_times`), never from file times.

For the usage reader each file is one section, live files in one part and archives in another. A
file last modified before the window cannot hold a later line and is not opened, nor is an archive
whose name says it was archived before the window (not even stat'ed: a year of history holds
thousands); nor is one whose header (first line) is later than the window. Their lines name only
a session id: the key comes from `sessions.json` (`keys.file_era_keys`), or from whatever other
store knows the session.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime
from pathlib import Path
from typing import cast

from mission_pipeline.openclaw.layout import sessions_dir
from mission_pipeline.openclaw.text import escape_undecodable
from mission_pipeline.openclaw.transcripts.call_times import (
    CallBounds,
    file_call_bounds,
    file_earliest,
    file_latest,
)
from mission_pipeline.openclaw.transcripts.files import (
    SessionFile,
    list_files_written_since,
    list_session_files,
    relative,
)
from mission_pipeline.openclaw.transcripts.jsonl import (
    ArchiveError,
    Resume,
    iter_file_lines,
    session_began_ms,
)
from mission_pipeline.openclaw.transcripts.keys import file_era_keys
from mission_pipeline.openclaw.transcripts.line_index import LineRecorder
from mission_pipeline.openclaw.transcripts.reading import AgentReading, Section
from mission_pipeline.openclaw.transcripts.sqlite import MARGIN_MS
from mission_pipeline.openclaw.transcripts.store import ReadStep, TranscriptSource, TranscriptStore


class SessionFiles(TranscriptStore):
    """`agents/<id>/sessions/*.jsonl*`: one source per transcript file."""

    kinds = ("jsonl", "archive")
    read_steps = (ReadStep("jsonl", 1, 0), ReadStep("archive", 2, 0))

    def list_sources(self, state_dir: Path, agent_id: str, unlisted: list[str]) -> list[TranscriptSource]:
        folder = sessions_dir(state_dir, agent_id)
        try:
            files = list_session_files(folder)
        except FileNotFoundError:
            return []
        except OSError:
            unlisted.append(relative(state_dir, folder))
            return []
        # One relative path for the folder, not one per file: a long history has tens of thousands.
        prefix = relative(state_dir, folder) + "/"
        return [
            TranscriptSource(
                prefix + file.name,
                agent_id,
                file.kind,
                f"size={file.size};mtime_ns={file.mtime_ns}",
                None,
                None,
            )
            for file in files
        ]

    def earliest_call(self, state_dir: Path, source: TranscriptSource) -> datetime | None:
        path = state_dir / source.path
        return file_earliest(path, compressed=_compressed(path))

    def bounds(self, state_dir: Path, source: TranscriptSource) -> CallBounds:
        path = state_dir / source.path
        return file_call_bounds(path, compressed=_compressed(path))

    def appended_bounds(self, state_dir: Path, source: TranscriptSource, since: datetime) -> CallBounds:
        # Transcripts grow at the end, so new calls are not older than `since`.
        path = state_dir / source.path
        return CallBounds(since, file_latest(path, compressed=_compressed(path)))

    def newest_call(self, state_dir: Path, source: TranscriptSource) -> datetime | None:
        # None for a compressed archive: written once, it never grows, so its newest call is never
        # needed as the start of what was appended.
        path = state_dir / source.path
        if _compressed(path):
            return None
        try:
            return file_latest(path, compressed=False)
        except OSError:
            return None

    def is_empty(self, state_dir: Path, source: TranscriptSource) -> bool:
        try:
            return (state_dir / source.path).stat().st_size == 0
        except OSError:
            return False

    def sections(self, reading: AgentReading, part: str) -> Generator[Section, None, None]:
        files = _session_files(reading)
        # Every file of the folder is named in `read_in_full`, pruned or not: a year's worth of paths,
        # so the folder's relative path is made once and each file's by joining its name to it.
        folder = relative(reading.state_dir, sessions_dir(reading.state_dir, reading.agent_id))
        for file in files:
            if file.kind != part:
                continue
            rel = f"{folder}/{file.name}"
            if _begun_after_window(file, reading):
                reading.read_in_full.add(rel)
                continue
            key = reading.session_key(file.session_id)
            resume, recorder = _resume(reading, rel, file)
            position = recorder.position if recorder is not None else None
            lines = iter_file_lines(file.path, compressed=file.compressed, start=resume, position=position)
            section = Section(escape_undecodable(rel), file.session_id, key, file.kind, lines)
            section.observer = recorder
            try:
                yield section
            except (ArchiveError, OSError) as exc:
                reading.lines_stopped(section, exc)
            else:
                reading.read_in_full.add(rel)
                if recorder is not None:
                    recorder.finish()

    def session_keys(self, reading: AgentReading) -> dict[str, str]:
        return file_era_keys(reading.state_dir, reading.agent_id, reading.problems)


def _resume(reading: AgentReading, rel: str, file: SessionFile) -> tuple[Resume | None, LineRecorder | None]:
    """Where the line index lets a plain file's read start (its lines before hold no call of the
    window), and the recorder of this read; nothing without an index or for a compressed archive."""
    index = reading.line_index
    if index is None or file.compressed:
        return None, None
    start = reading.start_ms
    return index.resume(rel, file.path, start if start is not None else -(2**62))


def _begun_after_window(file: SessionFile, reading: AgentReading) -> bool:
    """True when the file's session began after the window (its header says so)."""
    if reading.end_ms is None:
        return False
    began = session_began_ms(file.path, compressed=file.compressed)
    return began is not None and began >= reading.end_ms + MARGIN_MS


def _session_files(reading: AgentReading) -> list[SessionFile]:
    """The agent's transcript files, listed once per read (both parts use the same listing)."""
    if "session_files" not in reading.listings:
        reading.listings["session_files"] = _list_files(reading)
    return cast(list[SessionFile], reading.listings["session_files"])


def _list_files(reading: AgentReading) -> list[SessionFile]:
    """The files that may hold a line of the window; the others count as read in full (they hold
    none), so the copies another store keeps of them are not read either."""
    folder = sessions_dir(reading.state_dir, reading.agent_id)
    older: list[str] = []
    try:
        if reading.start_ms is None:
            files = list_session_files(folder)
        else:
            files, older = list_files_written_since(folder, reading.start_ms - MARGIN_MS)
    except FileNotFoundError:
        return []
    except OSError as exc:
        reading.problems.add(relative(reading.state_dir, folder), f"cannot list sessions folder: {exc}")
        return []
    where = relative(reading.state_dir, folder)
    reading.read_in_full.update(f"{where}/{name}" for name in older)
    names = (*(f.name for f in files), *older)
    for name in sorted(n for n in names if not n.isascii() and escape_undecodable(n) != n):
        reading.problems.add(where, f"file name is not UTF-8, read as {escape_undecodable(name)}")
    return files


def _compressed(path: Path) -> bool:
    return path.name.endswith(".zst")
