"""Workspace scans under hostile conditions: link loops, links out, special files, odd names, no access."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.workspaces import WorkspaceScan, scan_workspace
from mission_pipeline_tests.fixtures.refused_folders import refuse_folders


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A workspace with loops, links out, a fifo, a socket and odd names."""
    ws = tmp_path / "ws"
    outside = tmp_path / "outside"
    (ws / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.txt").write_text("not workspace content")
    (ws / "real.md").write_text("hello")
    (ws / "line\nbreak.md").write_text("newline in name")
    (ws / "sub" / "tab\there.md").write_text("tab")
    os.symlink(ws, ws / "loop")  # points at its own workspace
    os.symlink("../sub", ws / "sub" / "again")  # a cycle one level down
    os.symlink(outside, ws / "out-dir")
    os.symlink(outside / "secret.txt", ws / "out-file.txt")
    os.symlink("real.md", ws / "alias.md")  # stays inside: not indexed either (documented)
    os.symlink(tmp_path / "nowhere", ws / "dangling")
    os.mkfifo(ws / "pipe")
    monkeypatch.chdir(ws)  # bind by relative name: tmp paths can exceed AF_UNIX's 108 bytes
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind("sock")
    yield ws
    sock.close()


def test_links_loops_and_special_files_do_not_break_the_scan(hostile: Path) -> None:
    problems = ProblemLog()
    scan = scan_workspace("a", hostile, max_depth=10, problems=problems)
    assert sorted(f.file_path for f in scan.files) == ["line\nbreak.md", "real.md", "sub/tab\there.md"]
    assert (scan.skipped_symlinks, scan.skipped_special) == (6, 2)
    assert scan.status == "ok"
    assert scan.complete
    assert not problems


def test_non_utf8_name_is_reported_and_skipped(tmp_path: Path) -> None:
    try:
        (
            Path(os.fsencode(tmp_path).decode("utf-8", "surrogateescape"))
            / b"caf\xe9.txt".decode("utf-8", "surrogateescape")
        ).write_text("latin-1 name")
        os.mkdir(os.path.join(os.fsencode(tmp_path), b"dir\xff"))
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    (tmp_path / "ok.txt").write_text("fine")
    problems = ProblemLog()
    scan = scan_workspace("a", tmp_path, problems=problems)
    assert [f.file_path for f in scan.files] == ["ok.txt"]
    assert scan.skipped_names == 2
    lines = problems.lines()
    assert len(lines) == 2
    assert all("not valid UTF-8" in line for line in lines)
    assert "caf\\xe9.txt" in "".join(lines)
    "".join(lines).encode("utf-8")  # printable: no lone surrogates reach the log


def _unreadable_check(folder: Path) -> bool:
    """True when chmod 000 really denies reading here (not as root, not on some file systems)."""
    try:
        os.listdir(folder)
    except PermissionError:
        return True
    return False


def _assert_locked_subfolder(scan: WorkspaceScan, problems: ProblemLog, locked: Path) -> None:
    assert scan.status == "ok"
    assert not scan.complete
    assert sorted(f.file_path for f in scan.files) == ["a.md", "open/b.md"]
    assert [(p.path, p.message) for p in problems] == [(str(locked), "cannot read folder: Permission denied")]


def test_unreadable_subfolder_with_chmod(tmp_path: Path) -> None:
    for rel in ("a.md", "open/b.md", "locked/c.md"):
        (tmp_path / rel).parent.mkdir(exist_ok=True)
        (tmp_path / rel).write_text(rel)
    (tmp_path / "locked").chmod(0)
    try:
        if not _unreadable_check(tmp_path / "locked"):
            pytest.skip("chmod 000 does not deny reads here (running as root); see the simulated test")
        problems = ProblemLog()
        _assert_locked_subfolder(
            scan_workspace("a", tmp_path, problems=problems), problems, tmp_path / "locked"
        )
    finally:
        (tmp_path / "locked").chmod(0o755)


def test_unreadable_subfolder_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Works as root too: the folder is refused the way the kernel refuses it to other users."""
    for rel in ("a.md", "open/b.md", "locked/c.md"):
        (tmp_path / rel).parent.mkdir(exist_ok=True)
        (tmp_path / rel).write_text(rel)
    refuse_folders(monkeypatch, {str(tmp_path / "locked"): "EACCES"})
    problems = ProblemLog()
    _assert_locked_subfolder(scan_workspace("a", tmp_path, problems=problems), problems, tmp_path / "locked")
    monkeypatch.undo()
    root_problems = ProblemLog()
    refuse_folders(monkeypatch, {str(tmp_path): "EACCES"})
    scan = scan_workspace("a", tmp_path, problems=root_problems)
    assert (scan.status, scan.files) == ("unreadable", [])
    assert "cannot be read: Permission denied" in next(iter(root_problems)).message
