"""A large OpenClaw state directory for one usage day, built from real sample lines.

The 2026.5.28 sample (written by the real OpenClaw) is copied, and `agents/bulk-<n>/sessions/` get
JSONL transcripts whose lines are the sample's own user and assistant lines with new ids,
responseIds, timestamps and token counts. Two versions of the same day:

* "previous": `calls` calls per agent, models cycling opus, sonnet, haiku.
* "new": the same calls, except that every haiku call became a sonnet call with one more output
  token (so the replace deletes the haiku rows of `agent_usage_by_model`, updates others and the
  ledger updates rows), plus `extra` new calls per agent (inserts).

A write of "new" over "previous" therefore inserts, updates and deletes in every table.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from mission_pipeline.openclaw.relocate import copy_state_dir
from mission_pipeline_tests.conftest import sample_state

SAMPLE = sample_state("v2026.5.28")
DAY = dt.date(2026, 11, 27)
MODELS = ("claude-opus-4-6", "claude-sonnet-4-5", "claude-haiku-3-5")
SESSIONS_PER_AGENT = 4


def _template_lines() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(session header, user line, assistant line) from one real transcript of the sample."""
    sessions = SAMPLE / "agents" / "main" / "sessions"
    for path in sorted(sessions.glob("*.jsonl")):
        if ".trajectory" in path.name:
            continue
        lines = [json.loads(raw) for raw in path.read_text(encoding="utf-8").splitlines() if raw.strip()]
        header = next((ln for ln in lines if ln.get("type") == "session"), None)
        user = next((ln for ln in lines if ln.get("message", {}).get("role") == "user"), None)
        assistant = next(
            (
                ln
                for ln in lines
                if ln.get("message", {}).get("role") == "assistant" and ln["message"].get("usage")
            ),
            None,
        )
        if header and user and assistant:
            return header, user, assistant
    raise RuntimeError(f"no transcript with a session header, user and assistant line in {sessions}")


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _call_lines(
    template_user: dict[str, Any],
    template_assistant: dict[str, Any],
    *,
    agent: int,
    number: int,
    total: int,
    new_version: bool,
) -> list[str]:
    """The user line and the assistant line of call `number` of agent `agent`."""
    day_start = dt.datetime.combine(DAY, dt.time(0, 5), tzinfo=dt.UTC)
    span_ms = (23 * 60 + 50) * 60_000
    at = day_start + dt.timedelta(milliseconds=(number * span_ms) // max(total, 1) + agent * 7)
    model = MODELS[number % len(MODELS)]
    output = 40 + (number * 37 + agent * 11) % 900
    if new_version and model == "claude-haiku-3-5":
        model, output = "claude-sonnet-4-5", output + 1
    user = copy.deepcopy(template_user)
    user["id"] = f"u{agent:02d}{number:07d}"
    user["parentId"] = f"a{agent:02d}{number - 1:07d}" if number else None
    user["timestamp"] = _iso(at)
    user["message"]["timestamp"] = int(at.timestamp() * 1000)
    assistant = copy.deepcopy(template_assistant)
    reply_at = at + dt.timedelta(milliseconds=20)
    assistant["id"] = f"a{agent:02d}{number:07d}"
    assistant["parentId"] = user["id"]
    assistant["timestamp"] = _iso(reply_at)
    message = assistant["message"]
    message["model"] = model
    message["responseId"] = f"msg_bulk{agent:02d}{number:08d}"
    message["timestamp"] = int(reply_at.timestamp() * 1000)
    usage = message["usage"]
    usage["input"] = 500 + (number * 13 + agent) % 3000
    usage["output"] = output
    usage["cacheRead"] = (number * 101) % 40_000
    usage["cacheWrite"] = (number * 7) % 5_000
    usage["totalTokens"] = usage["input"] + usage["output"] + usage["cacheRead"] + usage["cacheWrite"]
    usage["cost"] = {"total": round(usage["totalTokens"] * 1e-6, 8)}
    return [
        json.dumps(user, separators=(",", ":")),
        json.dumps(assistant, separators=(",", ":")),
    ]


def write_bulk_state(
    destination: Path, *, agents: int, calls: int, extra: int, version: str
) -> dict[str, int]:
    """Write the sample plus `agents` bulk agents into `destination` (a new folder).

    `version` is "previous" (`calls` calls per agent) or "new" (changed haiku calls, plus `extra`).
    Returns counts of what was written.
    """
    if version not in ("previous", "new"):
        raise ValueError(version)
    new_version = version == "new"
    copy_state_dir(SAMPLE, destination)
    header, user, assistant = _template_lines()
    per_agent = calls + (extra if new_version else 0)
    # Both versions place call n at the same time, so "new" only adds calls after "previous".
    spacing_total = calls + extra
    last_ms = 0
    for agent in range(agents):
        sessions = destination / "agents" / f"bulk-{agent:02d}" / "sessions"
        sessions.mkdir(parents=True)
        per_session = -(-per_agent // SESSIONS_PER_AGENT)
        for s in range(SESSIONS_PER_AGENT):
            numbers = range(s * per_session, min((s + 1) * per_session, per_agent))
            if not numbers:
                continue
            session_id = f"00000000-0000-4000-8000-{agent:04d}{s:08d}"
            head = dict(header, id=session_id, timestamp=f"{DAY.isoformat()}T00:00:00.000Z")
            out = [json.dumps(head, separators=(",", ":"))]
            for number in numbers:
                out += _call_lines(
                    user, assistant, agent=agent, number=number, total=spacing_total, new_version=new_version
                )
            path = sessions / f"{session_id}.jsonl"
            path.write_text("\n".join(out) + "\n", encoding="utf-8")
            last = json.loads(out[-1])["message"]["timestamp"]
            last_ms = max(last_ms, last)
            os.utime(path, ns=(last * 1_000_000, last * 1_000_000))
    return {"agents": agents, "calls_per_agent": per_agent, "bulk_calls": agents * per_agent}
