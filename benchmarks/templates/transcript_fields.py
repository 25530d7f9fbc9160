"""What the transcript templates of both versions share: the kinds of line, and the leaves to fill."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.templates.line_template import LeafPath, LineTemplate
from benchmarks.templates.samples import message, pick, typed

# Every entry line: its own id, the id of the line before it, and its time.
ENTRY: dict[str, LeafPath] = {"id": ("id",), "parent": ("parentId",), "ts": ("timestamp",)}
# An assistant line's model and usage, as both versions write them.
USAGE: dict[str, LeafPath] = {
    "provider": ("message", "provider"),
    "model": ("message", "model"),
    "input": ("message", "usage", "input"),
    "output": ("message", "usage", "output"),
    "cache_read": ("message", "usage", "cacheRead"),
    "cache_write": ("message", "usage", "cacheWrite"),
    "total_tokens": ("message", "usage", "totalTokens"),
    "cost_input": ("message", "usage", "cost", "input"),
    "cost_output": ("message", "usage", "cost", "output"),
    "cost_cache_read": ("message", "usage", "cost", "cacheRead"),
    "cost_cache_write": ("message", "usage", "cost", "cacheWrite"),
    "cost_total": ("message", "usage", "cost", "total"),
    "msg_ts": ("message", "timestamp"),
    "response_id": ("message", "responseId"),
}
# A tool result: which call it answers, its text and time (2026.9.6 adds a run id and details).
TOOL_RESULT: dict[str, LeafPath] = ENTRY | {
    "tool_id": ("message", "toolCallId"),
    "text": ("message", "content", 0, "text"),
    "msg_ts": ("message", "timestamp"),
}
_REPLY: dict[str, LeafPath] = {"text": ("message", "content", 0, "text")}
_TOOL_CALL: dict[str, LeafPath] = _REPLY | {
    "tool_id": ("message", "content", 1, "id"),
    "tool_path": ("message", "content", 1, "arguments", "path"),
}
# A transcript header: the session id, its start and its working directory.
HEADER: dict[str, LeafPath] = {"sid": ("id",), "ts": ("timestamp",), "cwd": ("cwd",)}
# A model snapshot (`custom` line): when, and which model.
SNAPSHOT: dict[str, LeafPath] = ENTRY | {
    "data_ts": ("data", "timestamp"),
    "provider": ("data", "provider"),
    "model": ("data", "modelId"),
}
_USAGE_KEYS = ("input", "output", "cacheRead", "cacheWrite", "total")
_SNAPSHOT_USAGE_KEYS = ("input", "output", "cacheRead", "cacheWrite", "totalTokens")


@dataclass(frozen=True)
class TranscriptTemplates:
    """The line kinds of one OpenClaw version's transcripts."""

    version: str
    header: LineTemplate
    model_change: LineTemplate
    thinking: LineTemplate
    snapshot: LineTemplate
    user: LineTemplate
    assistant: LineTemplate
    assistant_tool: LineTemplate
    tool_result: LineTemplate
    cache_ttl: LineTemplate | None
    error: LineTemplate
    trajectory: dict[str, LineTemplate]


def trajectory_templates(lines: Sequence[str]) -> dict[str, LineTemplate]:
    """session.started, model.completed (the usage repeated three times) and session.ended lines."""
    common: dict[str, LeafPath] = {
        "trace": ("traceId",),
        "ts": ("ts",),
        "seq": ("seq",),
        "source_seq": ("sourceSeq",),
        "sid": ("sessionId",),
        "key": ("sessionKey",),
        "run": ("runId",),
        "cwd": ("workspaceDir",),
        "model": ("modelId",),
    }
    out: dict[str, LineTemplate] = {}
    out["session.started"] = LineTemplate(pick(lines, typed("session.started"), "session.started"), common)
    completed = pick(lines, typed("model.completed"), "model.completed")
    usage: dict[str, LeafPath] = {f"u_{k}": ("data", "usage", k) for k in _USAGE_KEYS} | {
        f"l_{k}": ("data", "promptCache", "lastCallUsage", k) for k in _USAGE_KEYS
    }
    snap = ("data", "messagesSnapshot", 1)
    snapshot_usage: dict[str, LeafPath] = {f"s_{k}": (*snap, "usage", k) for k in _SNAPSHOT_USAGE_KEYS} | {
        "s_cost": (*snap, "usage", "cost", "total"),
        "s_response": (*snap, "responseId"),
    }
    out["model.completed"] = LineTemplate(completed, common | usage | snapshot_usage)
    out["session.ended"] = LineTemplate(pick(lines, typed("session.ended"), "session.ended"), common)
    return out


def assistant_templates(
    lines: Sequence[str], usage: dict[str, LeafPath]
) -> tuple[LineTemplate, LineTemplate]:
    """The plain assistant reply and the reply that calls a tool, from a session with a tool round trip."""
    return (
        LineTemplate(pick(lines, message("assistant", "stop"), "assistant"), usage | _REPLY),
        LineTemplate(pick(lines, message("assistant", "toolUse"), "assistant toolUse"), usage | _TOOL_CALL),
    )
