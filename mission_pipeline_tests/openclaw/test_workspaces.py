"""Workspace scans: depth, names, `.git`, symlinks, special files, unreadable and missing folders."""

from __future__ import annotations

import os
import stat
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mission_pipeline.openclaw.agents import discover_agents
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.workspaces import scan_workspace
from mission_pipeline_tests.openclaw._support import make_writable

COMMON = {
    "AGENTS.md",
    "IDENTITY.md",
    "MEMORY.md",
    "SOUL.md",
    "USER.md",
    "archive/ledger.csv",
    "meeting notes.md",
    "memory/2026-11-20.md",
    "résumé-日本語.md",
}  # projects/clients/acme/notes/2026-q4-review.md is level 5: never listed
ONLY_5_28 = {"HEARTBEAT.md", "TOOLS.md", ".openclaw/workspace-state.json"}


def reference(root: Path, max_depth: int = 3) -> dict[str, int]:
    """An independent listing (os.walk, which does not follow links): regular files ≤ max_depth levels."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        level = 1 if rel == "." else rel.count(os.sep) + 2  # level of the files in this folder
        dirnames[:] = [d for d in dirnames if d != ".git" and level < max_depth]
        for name in filenames:
            st = os.lstat(os.path.join(dirpath, name))
            if stat.S_ISREG(st.st_mode):
                found[name if rel == "." else f"{rel.replace(os.sep, '/')}/{name}"] = st.st_size
    return found


def test_sample_workspaces(copy_sample: Callable[[str], Path], sample_version: str) -> None:
    state = make_writable(copy_sample(sample_version))
    # The samples were shipped without .git; a real workspace has one (and a nested one).
    for git in (state / "workspace-max" / ".git", state / "workspace-max" / "memory" / ".git"):
        git.mkdir()
        (git / "HEAD").write_text("ref: refs/heads/main\n")
    problems = ProblemLog()
    for agent in discover_agents(state, problems=problems, env={}):
        scan = scan_workspace(agent.id, agent.workspace, problems=problems)
        assert (scan.status, scan.complete, scan.agent_id, scan.root) == (
            "ok",
            True,
            agent.id,
            agent.workspace,
        )
        paths = {f.file_path: f.size_bytes for f in scan.files}
        assert len(paths) == len(scan.files)
        assert paths == reference(agent.workspace)  # exact names and sizes
        expected = COMMON | (ONLY_5_28 if sample_version == "v2026.5.28" else set())
        assert {unicodedata.normalize("NFC", p) for p in paths} == expected
        for file in scan.files:
            assert file.agent_id == agent.id
            mtime_ns = os.lstat(agent.workspace / file.file_path).st_mtime_ns
            assert file.mtime_ns == mtime_ns
            assert file.modified_at == datetime(1970, 1, 1, tzinfo=UTC) + timedelta(
                microseconds=mtime_ns // 1000
            )
    assert not problems


def _tree(root: Path) -> None:
    for rel in (
        "l1.txt",
        "d1/l2.txt",
        "d1/d2/l3.txt",
        "d1/d2/d3/l4.txt",
        "d1/d2/d3/d4/l5.txt",
        ".github/ci.yml",
    ):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)
    (root / ".gitignore").write_text("x")
    (root / ".git" / "objects").mkdir(parents=True)
    (root / ".git" / "config").write_text("x")


@pytest.mark.parametrize(("max_depth", "count"), [(1, 2), (2, 4), (3, 5), (5, 7)])
def test_depth_levels(tmp_path: Path, max_depth: int, count: int) -> None:
    _tree(tmp_path)
    scan = scan_workspace("a", tmp_path, max_depth=max_depth, problems=ProblemLog())
    paths = {f.file_path for f in scan.files}
    assert paths == set(reference(tmp_path, max_depth))
    assert len(paths) == count
    assert not any(p.startswith(".git/") for p in paths)
    assert ".gitignore" in paths
    assert max_depth < 2 or ".github/ci.yml" in paths


def test_size_and_mtime(tmp_path: Path) -> None:
    (tmp_path / "f.bin").write_bytes(b"x" * 1234)
    os.utime(tmp_path / "f.bin", (1795754000, 1795754000.5))
    [file] = scan_workspace("a", tmp_path, problems=ProblemLog()).files
    assert (file.file_path, file.size_bytes) == ("f.bin", 1234)
    assert file.modified_at == datetime(2026, 11, 27, 4, 33, 20, 500000, tzinfo=UTC)


def test_missing_and_not_a_folder(tmp_path: Path) -> None:
    problems = ProblemLog()
    missing = scan_workspace("ghost", tmp_path / "nope", problems=problems)
    (tmp_path / "file").write_text("x")
    not_dir = scan_workspace("odd", tmp_path / "file", problems=problems)
    assert (missing.status, not_dir.status) == ("missing", "unreadable")
    assert [p.message.split(" ", 4)[3] for p in problems] == ["ghost", "odd"]


def test_root_may_be_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "x.md").write_text("x")
    os.symlink(tmp_path / "real", tmp_path / "link")
    scan = scan_workspace("a", tmp_path / "link", problems=ProblemLog())
    assert [f.file_path for f in scan.files] == ["x.md"]
