"""A quiet tick of the usage sensor neither decodes nor encodes its (possibly large) cursor anew."""

import datetime as dt
import json
from pathlib import Path

from mission_pipeline.defs.usage import sensors
from mission_pipeline.openclaw.transcripts.sources import TranscriptInventory, TranscriptSource

AT = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)


def _source(fingerprint: str) -> TranscriptSource:
    return TranscriptSource("agents/main/sessions/a.jsonl", "main", "jsonl", fingerprint, None, None)


def _plan(cursor: str, inventory: TranscriptInventory, state: Path) -> sensors.RerunPlan:
    return sensors.plan_reruns(cursor, state, inventory, [], timezone="UTC", at=AT)


def test_a_quiet_tick_keeps_the_cursor_text_as_it_was(tmp_path: Path) -> None:
    # Spaces after separators: not how the sensor encodes, so an equal text can only be the same one.
    entry = {"fp": "size=1;mtime_ns=2", "latest": "2026-11-30T10:00:00+00:00"}
    cursor = json.dumps({"sources": {"agents/main/sessions/a.jsonl": entry}, "v": sensors.CURSOR_VERSION})
    plan = _plan(cursor, TranscriptInventory([_source("size=1;mtime_ns=2")], []), tmp_path)
    assert plan.cursor is cursor and plan.days == [] and plan.reason == "no transcript changes"


def test_a_changed_cursor_is_decoded_anew(tmp_path: Path) -> None:
    first = json.dumps({"v": sensors.CURSOR_VERSION, "sources": {}})
    assert sensors._decode(first) is sensors._decode(first)
    second = json.dumps({"v": sensors.CURSOR_VERSION, "sources": {"x": {"fp": "f", "latest": None}}})
    assert sensors._decode(second)["sources"] == {"x": {"fp": "f", "latest": None}}
    # A source gone from the inventory changes the cursor: encoded anew, without it.
    plan = _plan(second, TranscriptInventory([], []), tmp_path)
    assert plan.cursor is not None and sensors.cursor_value(plan.cursor)["sources"] == {}


def test_the_cursor_is_stored_compressed_and_a_plain_one_is_still_read(tmp_path: Path) -> None:
    sources = {
        f"agents/main/sessions/{i:08d}.jsonl": {"fp": f"size={i};mtime_ns={i * 7}", "latest": None}
        for i in range(2_000)
    }
    kept: dict[str, str | None] = {"fp": "size=1;mtime_ns=2", "latest": "2026-11-30T10:00:00+00:00"}
    sources["agents/main/sessions/a.jsonl"] = kept
    plain = json.dumps({"v": sensors.CURSOR_VERSION, "sources": sources})
    inventory = TranscriptInventory([_source("size=1;mtime_ns=2")], [])
    # Written before compression: read; the other sources gone, it is encoded anew, compressed.
    plan = _plan(plain, inventory, tmp_path)
    assert plan.cursor is not None and plan.cursor.startswith("zlib:")
    assert len(plan.cursor) * 4 < len(plain)
    assert sensors.cursor_value(plan.cursor)["sources"] == {"agents/main/sessions/a.jsonl": kept}
    assert _plan(plan.cursor, inventory, tmp_path).cursor is plan.cursor  # and read back as it was
