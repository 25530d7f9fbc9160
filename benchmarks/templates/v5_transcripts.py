"""The transcript lines of OpenClaw 2026.5.28 (`agents/<id>/sessions/<sessionId>.jsonl` files)."""

from __future__ import annotations

from functools import cache

from benchmarks.templates.line_template import LineTemplate
from benchmarks.templates.samples import V5, custom, message, pick, typed
from benchmarks.templates.transcript_fields import (
    ENTRY,
    HEADER,
    SNAPSHOT,
    TOOL_RESULT,
    USAGE,
    TranscriptTemplates,
    assistant_templates,
    trajectory_templates,
)

MAX_SESSIONS = V5 / "agents" / "max" / "sessions"
TOOL_ROUND_TRIP = MAX_SESSIONS / "a61dbb21-2c17-442e-b0bd-fc4e082aebb9.jsonl"
PROVIDER_ERROR = V5 / "agents" / "dash" / "sessions" / "2bc1bba7-21f5-4634-9b65-3fbf0705ec12.jsonl"
TRAJECTORY = MAX_SESSIONS / "93ffadae-bc6d-4497-9983-a6686f850c4f.trajectory.jsonl"


@cache
def v5_templates() -> TranscriptTemplates:
    """OpenClaw 2026.5.28 (`<sessionId>.jsonl`): 8-hex ids, header version 3, envelope in user text."""
    lines = TOOL_ROUND_TRIP.read_text(encoding="utf-8").splitlines()
    dash = PROVIDER_ERROR.read_text(encoding="utf-8").splitlines()
    trajectory = TRAJECTORY.read_text(encoding="utf-8").splitlines()
    usage = ENTRY | USAGE
    assistant, assistant_tool = assistant_templates(lines, usage)
    return TranscriptTemplates(
        version="2026.5.28",
        header=LineTemplate(pick(lines, typed("session"), "session"), HEADER),
        model_change=LineTemplate(
            pick(lines, typed("model_change"), "model_change"),
            {"id": ("id",), "ts": ("timestamp",), "provider": ("provider",), "model": ("modelId",)},
        ),
        thinking=LineTemplate(pick(lines, typed("thinking_level_change"), "thinking"), ENTRY),
        snapshot=LineTemplate(pick(lines, custom("model-snapshot"), "model-snapshot"), SNAPSHOT),
        user=LineTemplate(
            pick(lines, message("user"), "user"),
            ENTRY | {"text": ("message", "content", 0, "text"), "msg_ts": ("message", "timestamp")},
        ),
        assistant=assistant,
        assistant_tool=assistant_tool,
        tool_result=LineTemplate(pick(lines, message("toolResult"), "toolResult"), TOOL_RESULT),
        cache_ttl=None,  # 2026.5.28 writes no cache-ttl line after a tool result
        error=LineTemplate(
            pick(dash, message("assistant", "error"), "error"),
            ENTRY
            | {
                "provider": ("message", "provider"),
                "model": ("message", "model"),
                "msg_ts": ("message", "timestamp"),
            },
        ),
        trajectory=trajectory_templates(trajectory),
    )
