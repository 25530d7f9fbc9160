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
from operator import attrgetter
from pathlib import Path
from typing import Literal, NamedTuple

FileKind = Literal["jsonl", "archive"]

# Never counted: sidecars and copies that repeat what a transcript holds.
_NOT_TRANSCRIPT = re.compile(r"\.(?:trajectory\.|checkpoint\.|bak|lock|migrated|tmp)")
_TOPIC = re.compile(r"^(?P<sid>.+?)-topic-[^-]+$")
# pi's createBranchedSession names a fork `<ISO timestamp with dashes>_<uuid>.jsonl`.
_FORK = re.compile(r"^\d{4}-\d{2}-\d{2}T[0-9-]+(?:\.\d+)?Z?_(?P<sid>[0-9A-Za-z-]+)$")
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
    found: list[SessionFile] = []
    with os.scandir(sessions_dir) as entries:
        for entry in entries:
            known = classify_session_file(entry.name)
            if known is None or not entry.is_file(follow_symlinks=False):
                continue
            stat = entry.stat(follow_symlinks=False)
            kind, session_id, fork = known
            compressed = entry.name.endswith(".zst")
            found.append(
                SessionFile(
                    sessions_dir,
                    entry.name,
                    kind,
                    session_id,
                    compressed,
                    fork,
                    stat.st_size,
                    stat.st_mtime_ns,
                )
            )
    found.sort(key=_FORKS_LAST)
    return found


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
