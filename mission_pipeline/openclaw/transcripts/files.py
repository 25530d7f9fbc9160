"""Which files in an agent's `sessions/` folder are transcripts, and which are not.

Counted: live transcripts (`<id>.jsonl`, `<id>-topic-<n>.jsonl`, `<ts>_<uuid>.jsonl`) and archives
(`*.jsonl.reset.<ts>`, `*.jsonl.deleted.<ts>`, `*.jsonl.deleted.<ts>.<hash>.zst`). Never counted:
trajectory sidecars, compaction checkpoints, backups, locks, files doctor already imported
(`.migrated`), the index and the usage cache: they repeat usage that a transcript already holds.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path
from typing import Literal, NamedTuple

FileKind = Literal["jsonl", "archive"]

# Never counted: sidecars and copies that repeat what a transcript holds.
_NOT_TRANSCRIPT = re.compile(r"\.(?:trajectory\.|checkpoint\.|bak|lock|migrated|tmp)")
_TOPIC = re.compile(r"^(?P<sid>.+?)-topic-[^-]+$")
# pi's createBranchedSession names a fork `<ISO timestamp with dashes>_<uuid>.jsonl`.
_FORK = re.compile(r"^\d{4}-\d{2}-\d{2}T[0-9-]+(?:\.\d+)?Z?_(?P<sid>[0-9A-Za-z-]+)$")
# The archive time in a name: OpenClaw's ISO string with `-` for `:` (a file name cannot hold `:`).
_ARCHIVED_AT = re.compile(
    r"\.jsonl\.(?:reset|deleted)\."
    r"(\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3])-[0-5]\d-[0-5]\d)(?:\.\d{1,3})?Z(?:\.|$)"
)
_AGENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


class SessionFile(NamedTuple):
    """One transcript file and what its name says about it (a tuple: a long history has many)."""

    folder: Path
    name: str
    kind: FileKind
    session_id: str
    compressed: bool
    fork: bool
    size: int
    mtime_ns: int

    @property
    def path(self) -> Path:
        """The file's path (built on demand: most files of a long history are pruned unread)."""
        return self.folder / self.name


# Plain session files first, then forks, each by name (a C key: this sorts every file of the history).
_FORKS_LAST = attrgetter("fork", "name")


def classify_session_file(name: str) -> tuple[FileKind, str, bool] | None:
    """(kind, session id, is a fork) for a transcript file name, or None for anything not counted."""
    # Cheap tests first: this runs for every file of a long history, most of them then pruned.
    stem, dot_jsonl, rest = name.partition(".jsonl")
    if not dot_jsonl or not stem or _NOT_TRANSCRIPT.search(name):
        return None
    kind: FileKind
    if rest == "":
        kind = "jsonl"
    elif rest.startswith((".reset.", ".deleted.")) and len(rest) > len(".reset."):
        kind = "archive"
    else:
        return None
    if "_" in stem and (fork := _FORK.match(stem)):
        return kind, fork.group("sid"), True
    topic = _TOPIC.match(stem) if "-topic-" in stem else None
    return kind, (topic.group("sid") if topic else stem), False


def list_session_files(sessions_dir: Path) -> list[SessionFile]:
    """Transcript files directly in `sessions_dir`, in a fixed order (raises OSError if unreadable).

    Forks come after plain session files so that lines a fork copied from its parent are credited to
    the parent, whichever run reads them first.
    """
    return _scan(sessions_dir, None)[0]


def list_files_written_since(sessions_dir: Path, since_ms: int) -> tuple[list[SessionFile], list[str]]:
    """The transcript files of `sessions_dir` that may hold a line written at or after `since_ms`, in
    the order of `list_session_files`; and the names of the others (raises OSError if unreadable).

    A file last modified before `since_ms` holds no later line. Nor does an archive whose name says
    it was archived before: OpenClaw renames (or exports) a transcript when it resets or deletes the
    session and never writes to it again, so the name alone spares a stat of each archive of the
    history.
    """
    return _scan(sessions_dir, since_ms)


def _scan(sessions_dir: Path, since_ms: int | None) -> tuple[list[SessionFile], list[str]]:
    found: list[SessionFile] = []
    older: list[str] = []
    since_ns = None if since_ms is None else since_ms * 1_000_000
    floor = None if since_ms is None else time_text(since_ms)
    with os.scandir(sessions_dir) as entries:
        for entry in entries:
            name = entry.name
            known = classify_session_file(name)
            if known is None or not entry.is_file(follow_symlinks=False):
                continue
            kind, session_id, fork = known
            # Compared as text (a year of archives: no date arithmetic); a second before the floor's.
            if (
                floor is not None
                and kind == "archive"
                and (archived := archive_time(name))
                and archived < floor
            ):
                older.append(name)
                continue
            stat = entry.stat(follow_symlinks=False)
            if since_ns is not None and stat.st_mtime_ns < since_ns:
                older.append(name)
                continue
            found.append(
                SessionFile(
                    sessions_dir,
                    name,
                    kind,
                    session_id,
                    name.endswith(".zst"),
                    fork,
                    stat.st_size,
                    stat.st_mtime_ns,
                )
            )
    found.sort(key=_FORKS_LAST)
    return found, older


def archive_time(name: str) -> str | None:
    """The UTC second at which OpenClaw archived a transcript, as its name writes it
    (`<id>.jsonl.reset.2026-06-09T08-15-02.114Z`, `<id>.jsonl.deleted.<same>[.<hash>.zst]` give
    `2026-06-09T08-15-02`: such strings sort as the times do); None for a name without one."""
    match = _ARCHIVED_AT.search(name)
    return match.group(1) if match else None


def time_text(ms: int) -> str:
    """A moment in epoch ms as `archive_time` writes it (its second, UTC)."""
    return datetime.fromtimestamp(ms // 1000, tz=UTC).strftime("%Y-%m-%dT%H-%M-%S")


def agent_ids_in(state_dir: Path, agent_ids: Sequence[str] | None) -> list[str]:
    """The agents to read: the given ids, or every `agents/<id>/` folder, sorted; unsafe ids dropped."""
    if agent_ids is None:
        agents_dir = state_dir / "agents"
        try:
            names = [e.name for e in os.scandir(agents_dir) if e.is_dir(follow_symlinks=True)]
        except OSError:
            return []
    else:
        names = [agent_ids] if isinstance(agent_ids, str) else list(agent_ids)
    return sorted({n for n in names if is_safe_agent_id(n)})


def is_safe_agent_id(agent_id: str) -> bool:
    """True when the id can name a folder under `agents/` without leaving it."""
    return bool(_AGENT_ID.match(agent_id)) and agent_id not in {".", ".."} and ".." not in agent_id


def relative(state_dir: Path, path: Path) -> str:
    """`path` relative to the state dir, with forward slashes (the path itself when outside it)."""
    try:
        return path.relative_to(state_dir).as_posix()
    except ValueError:
        return path.as_posix()
