"""File index of an agent workspace, a few folder levels deep.

Rules: a file directly in the workspace is level 1; nothing deeper than `max_depth`. `.git` folders
are skipped. Symlinks are neither followed nor indexed (links inside the workspace would count a file
twice, links out of it are not workspace content, and not following any makes loops impossible);
sockets, fifos and devices are skipped too. A name that is not valid UTF-8 cannot be stored as text
exactly as on disk, so it is reported as a Problem and skipped (a folder with such a name as well).
The workspace root itself may be a symlink: it is the configured location.

A scan that missed part of the tree is not `complete`, so the agent's rows are kept: a folder that
cannot be read, and a folder that vanished between being listed and being read (renamed or being
replaced while we scan; if it is really gone, the next scan removes its rows). Modification times are
kept as the OS gives them (integer nanoseconds) and converted in bulk when the rows are built; a file
modified outside the years 1..9999 (some file systems store any 64-bit time) is indexed without its time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal, NamedTuple

from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.text import is_utf8, printable_path
from mission_pipeline.openclaw.values import MAX_EPOCH_NS, MIN_EPOCH_NS, epoch_ns_to_utc

ScanStatus = Literal["ok", "missing", "unreadable"]


class WorkspaceFile(NamedTuple):
    """One regular file: path relative to the workspace, `/`-separated, exactly as named on disk."""

    # A NamedTuple, not a frozen dataclass: it is built once per file, and that is 10% of a scan.

    agent_id: str
    file_path: str
    size_bytes: int
    mtime_ns: int | None  # st_mtime_ns; None when outside MIN_EPOCH_NS..MAX_EPOCH_NS

    @property
    def modified_at(self) -> datetime | None:
        """The modification time, to the microsecond (truncated, as the table stores it)."""
        return epoch_ns_to_utc(self.mtime_ns)


@dataclass
class WorkspaceScan:
    """The result for one workspace; replace an agent's rows only when `status == "ok"` and `complete`."""

    agent_id: str
    root: Path
    status: ScanStatus
    files: list[WorkspaceFile] = field(default_factory=list)
    complete: bool = True  # False when a subfolder could not be read: its files are not in `files`
    skipped_symlinks: int = 0
    skipped_special: int = 0
    skipped_names: int = 0


def scan_workspace(agent_id: str, root: Path, *, max_depth: int = 3, problems: ProblemLog) -> WorkspaceScan:
    """Index the regular files of one workspace down to `max_depth` levels."""
    scan = WorkspaceScan(agent_id, root, "ok")
    try:
        listing: _Listing | None = _Listing.open(str(root), follow=True)
    except FileNotFoundError:
        problems.add(root, f"workspace of agent {agent_id} does not exist; its indexed files are kept")
        scan.status = "missing"
        return scan
    except OSError as exc:  # permission denied, not a folder, I/O error
        problems.add(root, f"workspace of agent {agent_id} cannot be read: {exc.strerror or exc}")
        scan.status = "unreadable"
        return scan
    append = scan.files.append
    # Depth-first with an explicit stack of (folder path, relative prefix, level); the hot loop below
    # touches each entry once (d_type) and stats regular files only, without building Path objects.
    pending: list[tuple[str, str, int]] = []
    folder, prefix, level = str(root), "", 1
    while listing is not None:
        try:
            with listing:
                for entry in listing.entries:
                    name = entry.name
                    if not name.isascii() and not is_utf8(name):
                        problems.add(printable_path(f"{folder}/{name}"), "name is not valid UTF-8; skipped")
                        scan.skipped_names += 1
                    elif entry.is_file(follow_symlinks=False):  # files first: most entries are files
                        try:
                            st = entry.stat(follow_symlinks=False)
                        except FileNotFoundError:
                            continue  # removed while we were scanning
                        modified: int | None = st.st_mtime_ns
                        if not MIN_EPOCH_NS <= st.st_mtime_ns <= MAX_EPOCH_NS:
                            problems.add(
                                printable_path(f"{folder}/{name}"),
                                "modified time out of range; indexed without it",
                            )
                            modified = None
                        append(WorkspaceFile(agent_id, prefix + name, st.st_size, modified))
                    elif entry.is_dir(follow_symlinks=False):
                        if level < max_depth and name != ".git":
                            pending.append((f"{folder}/{name}", prefix + name + "/", level + 1))
                    elif entry.is_symlink():
                        scan.skipped_symlinks += 1
                    else:
                        scan.skipped_special += 1
        except OSError as exc:
            problems.add(printable_path(folder), f"cannot read folder: {exc.strerror or exc}")
            scan.complete = False
        listing = None
        while pending and listing is None:
            folder, prefix, level = pending.pop()
            try:
                listing = _Listing.open(folder, follow=False)
            except FileNotFoundError:
                # Listed a moment ago: renamed or replaced while we scan. Keep its rows this time.
                problems.add(
                    printable_path(folder), "folder vanished during the scan; its indexed files are kept"
                )
                scan.complete = False
            except OSError as exc:
                problems.add(printable_path(folder), f"cannot read folder: {exc.strerror or exc}")
                scan.complete = False
    return scan


class _Listing:
    """A folder's entries, listed through an open descriptor of it.

    Each file is then stat'ed relative to that descriptor (fstatat) rather than by its whole path: a
    third of a scan's time. A subfolder is opened with O_NOFOLLOW, so a folder replaced by a symlink
    between being listed and being opened is refused, not followed out of the workspace.
    """

    def __init__(self, fd: int, entries: Iterator[os.DirEntry[str]]) -> None:
        self.fd, self.entries = fd, entries

    @classmethod
    def open(cls, path: str, *, follow: bool) -> _Listing:
        flags = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
        fd = os.open(path, flags)
        try:
            return cls(fd, os.scandir(fd))
        except BaseException:
            os.close(fd)
            raise

    def __enter__(self) -> _Listing:
        return self

    def __exit__(self, *exc: object) -> None:
        close = getattr(self.entries, "close", None)
        if close is not None:
            close()
        os.close(self.fd)  # only now: the entries stat relative to it
