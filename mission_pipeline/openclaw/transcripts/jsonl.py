"""Lines of JSONL transcripts, plain or zstd-compressed, read in bounded memory.

Files are read in chunks and split on newlines; nothing holds more than one line (capped at
`MAX_LINE_BYTES`) plus one chunk. A zstd archive that ends mid-frame raises `ArchiveError` after the
lines it did decode, so a caller keeps those and reports the rest.
"""

from __future__ import annotations

import io
import json
from collections.abc import Generator, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import zstandard

from mission_pipeline.openclaw.values import is_plausible_call_time

CHUNK_BYTES = 1 << 16
# zstd input is fed in small pieces: one piece can inflate ~30000-fold (long runs of equal bytes), so
# this bounds the output held at once (~128 MiB at worst, a few KiB for real transcripts).
ZSTD_INPUT_BYTES = 4096
# OpenClaw caps a stored event at 4 MiB; anything far beyond that is not a transcript line.
MAX_LINE_BYTES = 16 << 20

Line = tuple[int, bytes | None]
"""(1-based line number, the line without its newline) or (number, None) when it was too long."""

Resume = tuple[int, int]
"""Where to start reading a plain file: (byte offset of a line start, number of lines before it)."""


class ArchiveError(Exception):
    """A compressed transcript could not be decompressed to its end."""


def open_transcript(path: Path) -> BinaryIO:
    """Open a transcript for reading (one place, so tests can count opens)."""
    return open(path, "rb")


def iter_file_lines(
    path: Path, *, compressed: bool, start: Resume | None = None, position: list[int] | None = None
) -> Generator[Line, None, None]:
    """Every line of a transcript file (raises OSError or ArchiveError where reading stops).

    A plain file may be read from a line boundary on (`start`: its byte offset and the number of
    lines before it); `position` then follows each newline read (see `split_lines`).
    """
    with open_transcript(path) as handle:
        if compressed:
            yield from split_lines(_zstd_chunks(handle))
            return
        offset, number = start if start is not None else (0, 0)
        if offset:
            handle.seek(offset)
        yield from split_lines(_raw_chunks(handle), number=number, offset=offset, position=position)


def iter_blob_lines(blob: bytes, *, compressed: bool) -> Iterator[Line]:
    """Every line of a transcript stored as one value (an archive BLOB in SQLite)."""
    handle = io.BytesIO(blob)
    yield from split_lines(_zstd_chunks(handle) if compressed else _raw_chunks(handle))


def first_line(path: Path, *, compressed: bool) -> bytes | None:
    """The first line of a transcript (its session header), or None when empty or unreadable."""
    try:
        if not compressed:
            with open_transcript(path) as handle:  # one small buffered read, not a whole chunk
                return handle.readline(MAX_LINE_BYTES).rstrip(b"\r\n") or None
        for _, data in iter_file_lines(path, compressed=True):
            return data
    except (OSError, ArchiveError):
        return None
    return None


def session_began_ms(path: Path, *, compressed: bool) -> int | None:
    """When the transcript's session header (its first line) says it began, in epoch ms, if it says."""
    header = first_line(path, compressed=compressed)
    if header is None or b'"session"' not in header:
        return None
    try:
        line = json.loads(header)
        began = datetime.fromisoformat(line["timestamp"]) if line.get("type") == "session" else None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if began is None:
        return None
    began = (began if began.tzinfo else began.replace(tzinfo=UTC)).astimezone(UTC)
    # A header with a nonsense time (year 3000) must not make the file look later than every window.
    return int(began.timestamp() * 1000) if is_plausible_call_time(began) else None


def unwrap_cold_records(lines: Iterable[Line]) -> Iterator[Line]:
    """The transcript lines inside a cold-storage archive of `{"kind":"event","row":{"event_json"}}`.

    OpenClaw's cold storage (2026.9) writes one JSON record per line: a header, then `event` records
    holding each row's `event_json` string, then identity/index/search records that hold no line.
    """
    for number, data in lines:
        if data is not None and b'"event"' not in data:
            continue
        if data is None:
            yield number, None
            continue
        try:
            record = json.loads(data)
        except ValueError:
            yield number, data  # the line parser reports it when it looks like a call
            continue
        row = record.get("row") if isinstance(record, dict) and record.get("kind") == "event" else None
        event = row.get("event_json") if isinstance(row, dict) else None
        if isinstance(event, str):
            yield number, event.encode("utf-8", "surrogatepass")


def split_lines(
    chunks: Iterable[bytes], *, number: int = 0, offset: int = 0, position: list[int] | None = None
) -> Iterator[Line]:
    """Split a byte stream into numbered lines; blank lines are skipped but still numbered.

    `number` lines and `offset` bytes came before the stream. With `position`, at each newline
    `position` becomes [the offset just past it, the lines up to it], before the line is yielded (never
    for a last line without one: it may still be being written).
    """
    pending: list[bytes] = []
    pending_size = 0
    overflow = False
    for chunk in chunks:
        start = 0
        while True:
            end = chunk.find(b"\n", start)
            if end < 0:
                rest = chunk[start:]
                if not overflow and pending_size + len(rest) > MAX_LINE_BYTES:
                    overflow, pending, pending_size = True, [], 0
                if not overflow and rest:
                    pending.append(rest)
                    pending_size += len(rest)
                break
            number += 1
            piece = chunk[start:end]
            if position is not None:
                position[0], position[1] = offset + end + 1, number
            if overflow or pending_size + len(piece) > MAX_LINE_BYTES:
                yield number, None
            else:
                line = b"".join([*pending, piece]) if pending else piece
                if line.strip():
                    yield number, line.rstrip(b"\r")
            pending, pending_size, overflow = [], 0, False
            start = end + 1
        offset += len(chunk)
    if overflow:
        yield number + 1, None
    elif pending:
        line = b"".join(pending)
        if line.strip():
            yield number + 1, line.rstrip(b"\r")


def _raw_chunks(handle: BinaryIO) -> Iterator[bytes]:
    while chunk := handle.read(CHUNK_BYTES):
        yield chunk


def _zstd_chunks(handle: BinaryIO) -> Iterator[bytes]:
    """Decompressed chunks of every zstd frame in `handle` (frames may be concatenated)."""
    decompressor = zstandard.ZstdDecompressor()
    stream = decompressor.decompressobj()
    started, empty = False, True
    while True:
        chunk = handle.read(ZSTD_INPUT_BYTES)
        if not chunk:
            break
        empty = False
        while chunk:
            started = True
            try:
                out = stream.decompress(chunk)
            except zstandard.ZstdError as exc:
                raise ArchiveError(f"corrupt zstd data: {exc}") from None
            if out:
                yield out
            chunk = b""
            if stream.eof:
                chunk = stream.unused_data
                stream = decompressor.decompressobj()
                started = False
    if started and not stream.eof:
        raise ArchiveError("zstd data ends in the middle of a frame (truncated archive)")
    if empty:
        # OpenClaw's archive of even an empty transcript is a frame; zero bytes is a cut-off write.
        raise ArchiveError("empty file, not a zstd archive")
