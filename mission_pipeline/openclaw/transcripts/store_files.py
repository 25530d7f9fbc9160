"""The file era (OpenClaw ≤ 2026.7.1, and archives after it): transcript files in `sessions/`.

Live transcripts (`jsonl`) and archives (`archive`: reset or deleted copies, plain or zstd) are
listed together in one pass over the folder; each file is one source fingerprinted by size and
mtime. Their call times are read from their lines (`call_times`), never from file times.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from mission_pipeline.openclaw.layout import sessions_dir
from mission_pipeline.openclaw.transcripts.call_times import (
    CallBounds,
    file_call_bounds,
    file_earliest,
    file_latest,
)
from mission_pipeline.openclaw.transcripts.files import list_session_files, relative
from mission_pipeline.openclaw.transcripts.store import TranscriptSource, TranscriptStore


class SessionFiles(TranscriptStore):
    """`agents/<id>/sessions/*.jsonl*`: one source per transcript file."""

    kinds = ("jsonl", "archive")

    def list_sources(self, state_dir: Path, agent_id: str, unlisted: list[str]) -> list[TranscriptSource]:
        folder = sessions_dir(state_dir, agent_id)
        try:
            files = list_session_files(folder)
        except FileNotFoundError:
            return []
        except OSError:
            unlisted.append(relative(state_dir, folder))
            return []
        return [
            TranscriptSource(
                relative(state_dir, file.path),
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


def _compressed(path: Path) -> bool:
    return path.name.endswith(".zst")
