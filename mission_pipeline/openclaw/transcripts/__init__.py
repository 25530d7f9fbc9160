"""Where OpenClaw keeps transcripts and how to read them: session files, JSONL lines, agent SQLite.

Each storage kind is one `store.TranscriptStore` (`store_sqlite`, `store_files`), registered in
`sources.STORES`: it lists its sources (`sources`), tells their call times (`source_times`) and
yields their lines as sections (`reading`). `jsonl`, `sqlite` and `call_times` are the low-level
reads the stores use. Plain Python, no Dagster. `mission_pipeline.openclaw.usage` builds usage
events on top of this.
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
