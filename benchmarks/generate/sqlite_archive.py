"""A deleted session in the 2026.9.6 layout: its rows leave `transcript_events` for a zstd archive.

The archive is kept twice, as OpenClaw does: a BLOB row in `session_transcript_archives` and the
published `sessions/<sid>.jsonl.deleted.<ISO>.<generation>.zst` file, both copies of the same lines.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import uuid
from pathlib import Path

import zstandard

from benchmarks.generate.files import write_stamped
from benchmarks.generate.sqlite_store import insert_row
from benchmarks.generate.times import iso_dashes
from benchmarks.generate.transcript import Session

PUBLISH_DELAY_MS = 44  # between the archive row and its published file


def archive_deleted(
    conn: sqlite3.Connection,
    sessions_dir: Path,
    session: Session,
    rng: random.Random,
    zstd: zstandard.ZstdCompressor,
) -> None:
    """Write the deleted session's archive row and its published `.zst` file."""
    plan = session.plan
    assert plan.deleted_at is not None
    raw = ("\n".join(line.v9 for line in session.lines) + "\n").encode()
    blob = zstd.compress(raw)
    generation = uuid.UUID(int=rng.getrandbits(128)).hex
    name = f"{plan.sid}.jsonl.deleted.{iso_dashes(plan.deleted_at)}.{generation}.zst"
    insert_row(
        conn,
        "session_transcript_archives",
        {
            "session_id": plan.sid,
            "generation": generation,
            "session_key": plan.key,
            "reason": "deleted",
            "encoding": "zstd",
            "archive_blob": blob,
            "archive_sha256": hashlib.sha256(raw).hexdigest(),
            "archive_name": name,
            "created_at": plan.deleted_at,
            "published_at": plan.deleted_at + PUBLISH_DELAY_MS,
            "publish_attempts": 1,
        },
    )
    write_stamped(sessions_dir / name, blob, plan.deleted_at + PUBLISH_DELAY_MS)
