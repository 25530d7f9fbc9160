"""agent_workspaces through the real workspace_job: every file to depth 3, hostile folders, deletions."""

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mission_pipeline_tests.defs.domain_support import metadata
from mission_pipeline_tests.defs.project import ProjectRuns
from mission_pipeline_tests.fixtures.refused_folders import refuse_folders

AGENTS = ("amber", "atlas", "dash", "main", "max")
_FILES = "select agent_id, file_path, size_bytes from agent_workspaces order by agent_id, file_path"


def files_on_disk(state: Path) -> list[tuple[str, str, int]]:
    """What the index must hold, found with os.walk: regular files 1 to 3 levels deep, no .git."""
    found = []
    for agent in AGENTS:
        root = state / f"workspace-{agent}"
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d != ".git"]
            for name in files:
                path = Path(folder, name)
                relative = path.relative_to(root).as_posix()
                if relative.count("/") < 3 and path.is_file() and not path.is_symlink():
                    found.append((agent, relative, path.stat().st_size))
    return sorted(found)


def indexed(project: ProjectRuns, version: str) -> tuple[Path, list[tuple[Any, ...]]]:
    """A sample whose workspaces workspace_job has indexed: its state dir and the index's rows."""
    state = project.use_sample(version)
    assert project.run("workspace_job").success
    return state, project.query(_FILES)


def test_every_file_one_to_three_levels_deep(sample_version: str, project: ProjectRuns) -> None:
    state = project.use_sample(sample_version)
    ws = state / "workspace-max"
    (ws / ".git" / "objects").mkdir(parents=True)
    (ws / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (ws / ".git" / "objects" / "pack").write_text("x")
    (ws / "a" / "b" / "c").mkdir(parents=True)
    (ws / "a" / "b" / "ünï code.md").write_text("three levels")
    (ws / "a" / "b" / "c" / "four.md").write_text("four levels")
    result = project.run("workspace_job")
    assert result.success
    rows = project.query(_FILES)
    assert rows == files_on_disk(state)
    paths = {path for agent, path, _ in rows if agent == "max"}
    assert {"meeting notes.md", "résumé-日本語.md", "memory/2026-11-20.md", "a/b/ünï code.md"} <= paths
    assert not [p for p in paths if p.startswith(".git/") or p.count("/") > 2]
    (one,) = project.query(
        "select modified_at from agent_workspaces where agent_id = 'max' and file_path = 'SOUL.md'",
    )
    mtime_ns = (ws / "SOUL.md").stat().st_mtime_ns
    assert one[0] == datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=mtime_ns // 1000)
    meta = metadata(result, "agent_workspaces")
    for agent in AGENTS:
        mine = [size for a, _, size in rows if a == agent]
        assert (meta["files_by_agent"][agent], meta["bytes_by_agent"][agent]) == (len(mine), sum(mine))


@pytest.fixture
def locked_folder(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], None]]:
    """Make a folder unreadable: chmod 000, or, as root (who reads anything), a simulated refusal."""
    locked: list[Path] = []

    def _lock(folder: Path) -> None:
        locked.append(folder)
        if os.geteuid() == 0:
            refuse_folders(monkeypatch, {str(p): "EACCES" for p in locked})
        else:
            folder.chmod(0)

    yield _lock
    for folder in locked:
        folder.chmod(0o755)


def test_links_loops_fifos_and_unreadable_folders_do_not_break_the_job(
    project: ProjectRuns, locked_folder: Callable[[Path], None], tmp_path: Path
) -> None:
    state, before = indexed(project, "v2026.9.6")
    ws, outside = state / "workspace-dash", tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "secret.txt").write_text("not workspace content")
    os.symlink(ws, ws / "loop")
    os.symlink("..", ws / "memory" / "up")  # a cycle one level down
    os.symlink(outside, ws / "outside-dir")
    os.symlink(outside / "secret.txt", ws / "outside-file.txt")
    os.mkfifo(ws / "pipe")  # opening it would block forever
    (ws / "locked").mkdir()
    (ws / "locked" / "hidden.md").write_text("cannot be listed")
    locked_folder(ws / "locked")
    (ws / "MEMORY.md").unlink()  # dash's scan is partial: this row must stay
    (state / "workspace-max" / "USER.md").unlink()  # max's scan is whole: this row leaves
    result = project.run("workspace_job")
    assert result.success
    after = project.query(_FILES)
    assert after == [r for r in before if r[:2] != ("max", "USER.md")]
    meta = metadata(result, "agent_workspaces")
    assert "dash" not in meta["synced_agents"]
    assert "locked" in meta["problems"]
    assert any("dash" in m and "partly unreadable" in m for m in project.logged(result))


def test_a_deleted_file_leaves_and_a_missing_workspace_keeps_its_rows(project: ProjectRuns) -> None:
    state, before = indexed(project, "v2026.5.28")
    (state / "workspace-atlas" / "meeting notes.md").unlink()
    (state / "workspace-amber").rename(state / "amber-unplugged")  # an unmounted disk, a moved folder
    result = project.run("workspace_job")
    assert result.success
    assert project.query(_FILES) == [r for r in before if r[:2] != ("atlas", "meeting notes.md")]
    meta = metadata(result, "agent_workspaces")
    assert meta["files_by_agent"]["amber"] == 0
    assert "missing" in meta["workspaces"]
    assert meta["rows_deleted"] == 1
    assert any("amber" in m and "missing" in m for m in project.logged(result))


def test_an_invalid_config_deletes_nothing(project: ProjectRuns) -> None:
    state, before = indexed(project, "v2026.9.6")
    (state / "workspace-max" / "SOUL.md").unlink()
    config = state / "openclaw.json"
    good = config.read_text()
    config.write_text(good[: len(good) // 2])  # cut mid-write
    result = project.run("workspace_job")
    assert result.success
    assert project.query(_FILES) == before
    meta = metadata(result, "agent_workspaces")
    assert (meta["config_valid"], meta["synced_agents"], meta["rows_deleted"]) == (False, [], 0)
    assert any("not valid" in m for m in project.logged(result))
    config.write_text(good)
    assert project.run("workspace_job").success
    assert project.query(_FILES) == [r for r in before if r[:2] != ("max", "SOUL.md")]
