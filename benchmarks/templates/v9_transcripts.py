"""The transcript lines of OpenClaw 2026.9.6 (`transcript_events.event_json` in the agent database)."""

from __future__ import annotations

from functools import cache

from benchmarks.templates.line_template import LeafPath, LineTemplate
from benchmarks.templates.samples import (
    V9,
    custom,
    message,
    pick,
    sqlite_lines,
    trajectory_rows,
    typed,
)
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

MAX_DB = V9 / "agents" / "max" / "agent" / "openclaw-agent.sqlite"
DASH_DB = V9 / "agents" / "dash" / "agent" / "openclaw-agent.sqlite"
TOOL_ROUND_TRIP = "dcbadea1-f479-4c3d-beda-d5b67c30c6c7"  # max's session with a tool round trip
PROVIDER_ERROR = "92ed4ac0-f70d-4c74-839a-d1e45b34007f"  # dash's session with a provider error


@cache
def v9_templates() -> TranscriptTemplates:
    """OpenClaw 2026.9.6 (`transcript_events.event_json`): uuid ids, header version 4, contextUsage."""
    lines = sqlite_lines(MAX_DB, TOOL_ROUND_TRIP)
    dash = sqlite_lines(DASH_DB, PROVIDER_ERROR)
    run: dict[str, LeafPath] = {"run": ("message", "__openclaw", "runId")}
    usage = (
        ENTRY
        | USAGE
        | run
        | {
            "prompt_tokens": ("message", "usage", "contextUsage", "promptTokens"),
            "context_total": ("message", "usage", "contextUsage", "totalTokens"),
            "response_model": ("message", "responseModel"),
        }
    )
    assistant, assistant_tool = assistant_templates(lines, usage)
    return TranscriptTemplates(
        version="2026.9.6",
        header=LineTemplate(pick(lines, typed("session"), "session"), HEADER),
        model_change=LineTemplate(
            pick(lines, typed("model_change"), "model_change"),
            {"provider": ("provider",), "model": ("modelId",), "id": ("id",), "ts": ("timestamp",)},
        ),
        thinking=LineTemplate(pick(lines, typed("thinking_level_change"), "thinking"), ENTRY),
        snapshot=LineTemplate(pick(lines, custom("model-snapshot"), "model-snapshot"), SNAPSHOT),
        user=LineTemplate(
            pick(lines, message("user"), "user"),
            ENTRY
            | {
                "text": ("message", "content"),
                "msg_ts": ("message", "timestamp"),
                "idem": ("message", "idempotencyKey"),
            },
        ),
        assistant=assistant,
        assistant_tool=assistant_tool,
        tool_result=LineTemplate(
            pick(lines, message("toolResult"), "toolResult"),
            TOOL_RESULT | run | {"details": ("message", "details", "content")},
        ),
        cache_ttl=LineTemplate(
            pick(lines, custom("openclaw.cache-ttl"), "cache-ttl"),
            ENTRY
            | {
                "key": ("data", "frozenToolResults", 0, "key"),
                "hash": ("data", "frozenToolResults", 0, "sourceHash"),
            },
        ),
        error=LineTemplate(
            pick(dash, message("assistant", "error"), "error"),
            ENTRY
            | run
            | {
                "provider": ("message", "provider"),
                "model": ("message", "model"),
                "msg_ts": ("message", "timestamp"),
                "idem": ("message", "idempotencyKey"),
            },
        ),
        trajectory=trajectory_templates(trajectory_rows(MAX_DB, TOOL_ROUND_TRIP)),
    )
