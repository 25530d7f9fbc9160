"""`transcript_events` rows of one agent database, inserted in global time order across sessions.

A live Gateway appends each line as it happens, so the rows of concurrent sessions interleave: sessions
are pushed whole onto a heap and rows are popped (and inserted in batches) only up to the start of the
next session, when no later session can still add an earlier row.
"""

from __future__ import annotations

import heapq
import json
import random
import sqlite3
from typing import Any

import zstandard

from benchmarks.generate.transcript import Session

BATCH_ROWS = 20_000
ZSTD_MIN_BYTES = 1024  # OpenClaw compresses only rows this large


class TranscriptEvents:
    """The rows of one agent database's `transcript_events`, queued until their time comes."""

    def __init__(
        self, conn: sqlite3.Connection, rng: random.Random, zstd: zstandard.ZstdCompressor, zstd_share: float
    ) -> None:
        self.conn = conn
        self.rng = rng  # the layout's, shared with the session store and archives: one sequence of draws
        self.zstd = zstd
        self.zstd_share = zstd_share
        self.heap: list[tuple[int, int, tuple[Any, ...]]] = []
        self.pushed = 0  # tie-breaker: rows of the same millisecond keep their push order
        self.batch: list[tuple[Any, ...]] = []
        self.rows = 0
        self.bytes = 0
        self.zstd_rows = 0

    def push(self, session: Session) -> None:
        """Queue every line of the session."""
        for seq, line in enumerate(session.lines):
            self.pushed += 1
            heapq.heappush(self.heap, (line.ts, self.pushed, (session.plan.sid, seq, line.v9, line.ts)))

    def flush_before(self, ts: int | None) -> None:
        """Insert every queued row earlier than `ts` (None: all of them)."""
        heap = self.heap
        while heap and (ts is None or heap[0][0] < ts):
            _, _, (sid, seq, text, created) = heapq.heappop(heap)
            data = text.encode()
            self.bytes += len(data)
            if self.zstd_share and len(data) >= ZSTD_MIN_BYTES and self.rng.random() < self.zstd_share:
                self.batch.append(self._zstd_row(sid, seq, created, data))
                self.zstd_rows += 1
            else:
                self.batch.append((sid, seq, text, created, None, len(data), None))
            if len(self.batch) >= BATCH_ROWS:
                self._insert_batch()
        if ts is None:
            self._insert_batch()

    def _zstd_row(self, sid: str, seq: int, created: int, data: bytes) -> tuple[Any, ...]:
        """A row stored as `event_zstd`, with the navigation summary OpenClaw keeps beside it."""
        nav = {
            "version": 1,
            "report": {"kind": "canonical"},
            "navigation": {},
            "reset": {},
            "model": {},
            "modelBytes": len(data),
            "modelWithoutCheckpointBytes": len(data),
            "withoutCustomDataBytes": len(data),
        }
        return (sid, seq, None, created, self.zstd.compress(data), len(data), json.dumps(nav))

    def _insert_batch(self) -> None:
        self.conn.executemany(
            "INSERT INTO transcript_events (session_id, seq, event_json, created_at, event_zstd,"
            " event_utf8_bytes, navigation_json) VALUES (?,?,?,?,?,?,?)",
            self.batch,
        )
        self.rows += len(self.batch)
        self.batch = []
