"""Session keys for transcripts of the file era (≤ 2026.7.1), which carry only a session id.

`sessions.json` maps each key to its current `sessionId` and `sessionFile`; 2026.5.28 writes
`sessionFile` as an absolute path of wherever the state dir was then, so only its file name is used,
looked up in the agent's own sessions folder. Earlier runs of a cron job are no longer in
`sessions.json` (the key points at the latest run), but the cron run log names their session.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePath
from typing import Any

import msgspec

from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.transcripts.files import classify_session_file, relative
from mission_pipeline.openclaw.transcripts.jsonl import ArchiveError, iter_file_lines
from mission_pipeline.openclaw.transcripts.line_index import LineIndex, LineRecorder


def read_sessions_json(path: Path, state_dir: Path, problems: ProblemLog) -> dict[str, dict[str, Any]]:
    """The entries of one `sessions.json` (key → entry); {} with a problem when it is unreadable."""
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.add(relative(state_dir, path), f"unreadable session index: {exc}")
        return {}
    if not isinstance(data, dict):
        problems.add(relative(state_dir, path), "session index is not a JSON object")
        return {}
    entries: dict[str, dict[str, Any]] = {}
    for key, entry in data.items():
        if isinstance(entry, dict):
            entries[key] = entry
        else:
            problems.add(relative(state_dir, path), "entry is not an object", row=key)
    return entries


def file_era_keys(state_dir: Path, agent_id: str, problems: ProblemLog) -> dict[str, str]:
    """session id → session key from the agent's `sessions.json`."""
    keys: dict[str, str] = {}
    index = state_dir / "agents" / agent_id / "sessions" / "sessions.json"
    for key, entry in read_sessions_json(index, state_dir, problems).items():
        session_id = entry.get("sessionId")
        if isinstance(session_id, str):
            keys.setdefault(session_id, key)
        session_file = entry.get("sessionFile")
        if isinstance(session_file, str):
            known = classify_session_file(PurePath(session_file).name)
            if known is not None:
                keys.setdefault(known[1], key)
    return keys


class _RunLine(msgspec.Struct):
    """The fields of a cron run log line that tie a session to its job (a year of runs: fast)."""

    ts: int | float | None = None  # when the run ended
    sessionId: str | None = None
    sessionKey: str | None = None


_RUN_LINE = msgspec.json.Decoder(_RunLine)


def cron_run_keys(
    state_dir: Path, problems: ProblemLog, since_ms: int | None = None, line_index: LineIndex | None = None
) -> dict[str, str]:
    """session id → `agent:<id>:cron:<jobId>` from the legacy cron run logs (`cron/runs/*.jsonl`).

    With `since_ms` and a `line_index`, a log is read from its last checkpoint before which every run
    ended before `since_ms`: those runs' sessions hold no line from `since_ms` on.
    """
    keys: dict[str, str] = {}
    runs = state_dir / "cron" / "runs"
    try:
        files = sorted(p for p in runs.iterdir() if p.name.endswith(".jsonl") and p.is_file())
    except OSError:
        return keys
    for path in files:
        resume, recorder = None, None
        if line_index is not None and since_ms is not None:
            resume, recorder = line_index.resume(relative(state_dir, path), path, since_ms)
        position = recorder.position if recorder is not None else None
        try:
            for _, data in iter_file_lines(path, compressed=False, start=resume, position=position):
                if data is not None and b'"sessionKey"' not in data:
                    continue  # names no session
                line = _run_line(data)  # None if unreadable: the cron reader reports it
                if line is not None and line.sessionId is not None and line.sessionKey is not None:
                    keys.setdefault(line.sessionId, base_cron_key(line.sessionKey))
                if recorder is not None:
                    _note_run_end(recorder, line)
        except (OSError, ArchiveError) as exc:
            problems.add(relative(state_dir, path), f"unreadable cron run log: {exc}")
        else:
            if recorder is not None:
                recorder.finish()
    return keys


def _note_run_end(recorder: LineRecorder, line: _RunLine | None) -> None:
    """Tell the line index when the session of this run got its last line: when an isolated run
    ended (its own `…:run:<sessionId>` key). A run in a session that lives on (sessionTarget main,
    current, `session:<id>`), or a line not read, may matter to any later window."""
    if line is None:
        recorder.no_checkpoint_after()
    elif line.sessionId is None or line.sessionKey is None:
        return  # names no session
    elif line.ts is None or base_cron_key(line.sessionKey) == line.sessionKey:
        recorder.no_checkpoint_after()
    else:
        recorder.timed(int(line.ts))


def _run_line(data: bytes | None) -> _RunLine | None:
    if data is None:
        return None
    try:
        return _RUN_LINE.decode(data)
    except (msgspec.DecodeError, ValueError):
        return None


class CronKeys:
    """`cron_run_keys`, read once per usage read and only when some file needs a key."""

    def __init__(
        self,
        state_dir: Path,
        problems: ProblemLog,
        since_ms: int | None = None,
        line_index: LineIndex | None = None,
    ) -> None:
        self._state_dir, self._problems = state_dir, problems
        self._since_ms, self._line_index = since_ms, line_index
        self._keys: dict[str, str] | None = None

    def keys(self) -> dict[str, str]:
        """session id → cron job key."""
        if self._keys is None:
            self._keys = cron_run_keys(self._state_dir, self._problems, self._since_ms, self._line_index)
        return self._keys


def base_cron_key(key: str) -> str:
    """`agent:a:cron:job:run:sid` → `agent:a:cron:job`, the key the store uses for every run."""
    parts = key.split(":")
    if len(parts) == 6 and parts[0].lower() == "agent" and parts[2].lower() == "cron" and parts[4] == "run":
        return ":".join(parts[:4])
    return key
