"""Where OpenClaw keeps transcripts and how to read them: session files, JSONL lines, agent SQLite.

Plain Python, no Dagster. `mission_pipeline.openclaw.usage` builds usage events on top of this.
"""

from mission_pipeline.openclaw.transcripts.files import SessionFile, classify_session_file, list_session_files
from mission_pipeline.openclaw.transcripts.sources import TranscriptSource, list_transcript_sources

__all__ = [
    "SessionFile",
    "TranscriptSource",
    "classify_session_file",
    "list_session_files",
    "list_transcript_sources",
]
