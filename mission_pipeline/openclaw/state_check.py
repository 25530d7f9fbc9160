"""Whether a directory is an OpenClaw state directory the pipeline may read, and if not, why.

A sync deletes what its source no longer has, so reading the wrong directory is not harmless: an
empty mount point, a typo'd path or another program's folder would read as "every agent, job and
file is gone". A directory counts as OpenClaw's only when it holds `openclaw.json` or at least one
agent folder under `agents/` (an empty `agents/` does not count); anything else is refused with a
reason that names the path and where that path came from.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mission_pipeline.openclaw.config import normalize_agent_id
from mission_pipeline.openclaw.state_dir import StateDirLocation

StateDirStatus = Literal["ok", "missing", "not_a_directory", "unreadable", "not_openclaw"]


class StateDirRefused(Exception):
    """A run would read a directory that is not a readable OpenClaw state directory; nothing was written."""


@dataclass(frozen=True)
class StateDirCheck:
    """The verdict on one state directory: `ok`, or a status and a one-line reason."""

    location: StateDirLocation
    status: StateDirStatus
    reason: str

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def path(self) -> Path:
        return self.location.path

    def refusal(self, consequence: str) -> str:
        """A message for a run that reads nothing: what is wrong, where, and what it means."""
        return f"OpenClaw state directory {self.location}: {self.reason}; {consequence}"


def check_state_dir(location: StateDirLocation) -> StateDirCheck:
    """Look at the directory (a few stat and list calls, no file contents) and judge it."""
    path = location.path
    try:
        entries = _names(path)
    except FileNotFoundError:
        return StateDirCheck(location, "missing", "no such directory")
    except NotADirectoryError:
        return StateDirCheck(location, "not_a_directory", "exists but is not a directory")
    except OSError as exc:
        return StateDirCheck(location, "unreadable", f"cannot be listed ({exc.strerror or exc})")
    has_config = "openclaw.json" in entries and (path / "openclaw.json").is_file()
    try:
        agents = agent_folder_names(path / "agents") if "agents" in entries else set()
    except OSError as exc:
        return StateDirCheck(location, "unreadable", f"agents/ cannot be listed ({exc.strerror or exc})")
    if not has_config and not agents:
        what = "is empty" if not entries else "holds neither openclaw.json nor an agent folder under agents/"
        return StateDirCheck(
            location,
            "not_openclaw",
            f"{what}: not an OpenClaw state directory (an empty mount point, or another program's folder?)",
        )
    return StateDirCheck(location, "ok", "an OpenClaw state directory")


def agent_folder_names(agents_dir: Path) -> set[str]:
    """Agent ids with a folder under `agents/` (raises OSError when it cannot be listed).

    Only folders whose name already is a normalized agent id belong to an agent; hidden ones never.
    """
    with os.scandir(agents_dir) as listing:
        names = [e.name for e in listing if e.is_dir() and not e.name.startswith(".")]
    return {name for name in names if normalize_agent_id(name) == name}


def _names(path: Path) -> set[str]:
    with os.scandir(path) as listing:
        return {entry.name for entry in listing}
