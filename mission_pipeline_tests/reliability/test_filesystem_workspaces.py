"""Workspace scans on hostile file systems: exactly what is there, nothing outside, no rows lost.

Sizes: 40 random hostile trees scanned (400 with MISSION_PIPELINE_FULL_RELIABILITY=1), one through the
real workspace_job (3 full); 20,000 files through the job (100,000 full).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from mission_pipeline.defs.workspaces import assets as workspace_assets
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.workspaces import scan_workspace
from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline_tests.defs.domain_support import metadata
from mission_pipeline_tests.defs.jobs import run_job
from mission_pipeline_tests.fixtures.pipeline import PipelineResources
from mission_pipeline_tests.fixtures.postgres import query
from mission_pipeline_tests.fixtures.refused_folders import Refusal, refuse_folders
from mission_pipeline_tests.reliability.fs_trees import build_tree, expected_files, stays_inside
from mission_pipeline_tests.reliability.fuzz_figures import record_figures, size

pytestmark = pytest.mark.slow
NOBODY = 65534
_ROWS = "select agent_id, file_path, size_bytes from agent_workspaces order by agent_id, file_path"


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as test_instance:
        yield test_instance


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A scratch folder every user may enter (pytest's own is private to root)."""
    root = Path(tempfile.mkdtemp(prefix="mp-fs-"))
    root.chmod(0o755)
    yield root
    for folder, dirs, _ in os.walk(root):
        for name in dirs:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, 0o755)  # noqa: S103 - undo the test's chmod 000 so it can be removed
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def make_state(
    pipeline: PipelineResources,
) -> Callable[[Path, dict[str, Path], list[str]], Path]:
    """An OpenClaw state dir whose config lists `agents` (id → workspace); `folder_only` agents exist
    only as `agents/<id>/` folders (their workspace is the convention `workspace-<id>`)."""

    def _make(root: Path, agents: dict[str, Path], folder_only: list[str]) -> Path:
        state = root / "state"
        for agent in [*agents, *folder_only]:
            (state / "agents" / agent / "agent").mkdir(parents=True, exist_ok=True)
        entries = [
            {"id": a, "workspace": str(ws), "default": i == 0} for i, (a, ws) in enumerate(agents.items())
        ]
        (state / "openclaw.json").write_text(json.dumps({"agents": {"list": entries}}))
        pipeline.state_dir = state
        return state

    return _make


def _rows(target: DatabaseTarget) -> list[tuple[Any, ...]]:
    return query(target, _ROWS)


def _on_disk(agents: dict[str, Path]) -> list[tuple[str, str, int]]:
    return sorted((a, p, s) for a, ws in agents.items() for p, s in expected_files(ws).items())


# --- hostile trees ---------------------------------------------------------------------------------


def test_hostile_trees_are_indexed_exactly_without_leaving_the_workspace(open_dir: Path) -> None:
    tally: Counter[str] = Counter()
    trees = size(40, 400)
    for number in range(trees):
        rng = random.Random(number)
        tree = build_tree(open_dir / f"t{number}" / "ws", open_dir / f"t{number}" / "outside", rng, size=80)
        problems = ProblemLog()
        started = time.perf_counter()
        scan = scan_workspace("a", tree.root, problems=problems)
        tally["seconds_x1000"] += round((time.perf_counter() - started) * 1000)
        got = {f.file_path: f.size_bytes for f in scan.files}
        assert got == expected_files(tree.root), f"tree {number}"
        assert len(got) == len(scan.files), "a file indexed twice"
        assert all(stays_inside(tree.root, p) for p in got), "a path leaves the workspace"
        assert not [p for p in got if "secret" in p], "content behind a link out was indexed"
        assert (scan.status, scan.complete) == ("ok", True)
        # Only names that are not UTF-8 are problems; links and special files are skipped quietly.
        assert all("not valid UTF-8" in m for m in problems.lines()), problems.lines()
        "".join(problems.lines()).encode("utf-8")  # printable: no lone surrogates reach the log
        tally.update(tree.kinds)
        tally.update(files_indexed=len(got), trees=1)
    record_figures(
        "fs_hostile_trees",
        {
            "cases_tried": tally["trees"],
            "cases_held": tally["trees"],
            "files_indexed": tally["files_indexed"],
            "by_kind": {
                k: v for k, v in sorted(tally.items()) if k not in ("trees", "files_indexed", "seconds_x1000")
            },
            "scan_ms_total": tally["seconds_x1000"],
        },
    )


@pytest.mark.parametrize("seed", range(size(1, 3)))
def test_a_hostile_tree_through_workspace_job(
    seed: int,
    open_dir: Path,
    make_state: Callable[[Path, dict[str, Path], list[str]], Path],
    instance: dg.DagsterInstance,
    pipeline: PipelineResources,
) -> None:
    rng = random.Random(1000 + seed)
    tree = build_tree(open_dir / "ws", open_dir / "outside", rng, size=150)
    (open_dir / "ws" / "\\N").write_text("COPY's NULL marker as a whole path")
    agents = {"hostile": tree.root}
    make_state(open_dir, agents, [])
    result = run_job("workspace_job", instance=instance, resources=pipeline)
    assert result.success
    rows = _rows(pipeline.database)
    assert rows == _on_disk(agents)
    assert any("\n" in r[1] for r in rows) and ("hostile", "\\N", 34) in rows
    assert metadata(result, "agent_workspaces")["synced_agents"] == ["hostile"]
    record_figures(
        f"fs_hostile_tree_job_seed{seed}",
        {"cases_tried": 1, "cases_held": 1, "rows": len(rows), "kinds": tree.kinds},
    )


def test_file_times_python_cannot_hold_are_indexed_without_them(
    open_dir: Path,
    make_state: Callable[[Path, dict[str, Path], list[str]], Path],
    instance: dg.DagsterInstance,
    pipeline: PipelineResources,
) -> None:
    """Some file systems (tmpfs, xfs, btrfs) keep any 64-bit time; the index holds the years 1..9999."""
    base = Path("/dev/shm")
    if not base.is_dir() or not os.access(base, os.W_OK):
        pytest.skip("no tmpfs at /dev/shm")
    ws = Path(tempfile.mkdtemp(dir=base))
    try:
        (ws / "normal.md").write_text("ok")
        for name, when in (("far-future.md", 1e13), ("far-past.md", -1e13)):
            (ws / name).write_text(name)
            os.utime(ws / name, (when, when))
        if os.stat(ws / "far-future.md").st_mtime < 1e12:
            pytest.skip("this tmpfs clamps file times")
        problems = ProblemLog()
        scan = scan_workspace("a", ws, problems=problems)
        by_path = {f.file_path: f.modified_at for f in scan.files}
        assert set(by_path) == {"normal.md", "far-future.md", "far-past.md"}
        assert by_path["far-future.md"] is None and by_path["far-past.md"] is None
        assert by_path["normal.md"] is not None
        assert len(problems) == 2 and scan.complete
        make_state(open_dir, {"odd": ws}, [])
        result = run_job("workspace_job", instance=instance, resources=pipeline)
        assert result.success
        rows = query(
            pipeline.database, "select file_path, modified_at is null from agent_workspaces order by 1"
        )
        assert rows == [("far-future.md", True), ("far-past.md", True), ("normal.md", False)]
    finally:
        shutil.rmtree(ws)
    record_figures("fs_out_of_range_times", {"cases_tried": 2, "cases_held": 2})


# --- unreadable folders, for real ---------------------------------------------------------------


def test_a_folder_the_kernel_refuses_keeps_the_agents_rows(
    open_dir: Path,
    make_state: Callable[[Path, dict[str, Path], list[str]], Path],
    instance: dg.DagsterInstance,
    pipeline: PipelineResources,
) -> None:
    """chmod 000, enforced by the kernel: as root, the scan runs with the effective uid of nobody."""
    agents = {"alpha": open_dir / "alpha", "beta": open_dir / "beta"}
    for agent, ws in agents.items():
        for rel in ("SOUL.md", "memory/2026-11-20.md", "private/keys.md", "private/deeper/x.md"):
            (ws / rel).parent.mkdir(parents=True, exist_ok=True)
            (ws / rel).write_text(f"{agent} {rel}")
    make_state(open_dir, agents, [])
    assert run_job("workspace_job", instance=instance, resources=pipeline).success
    before = _rows(pipeline.database)
    assert len(before) == 8

    private = agents["alpha"] / "private"
    private.chmod(0)
    (agents["alpha"] / "SOUL.md").unlink()  # alpha's scan is partial: this row must stay
    (agents["beta"] / "SOUL.md").unlink()  # beta's scan is whole: this row leaves
    real_uid = os.geteuid() == 0
    real_scan = scan_workspace  # what the asset module imported

    def as_nobody(*args: Any, **kwargs: Any) -> Any:
        with _euid(NOBODY):
            return real_scan(*args, **kwargs)

    with _euid(NOBODY if real_uid else os.geteuid()), pytest.raises(PermissionError):
        os.listdir(private)  # the kernel really refuses
    with pytest.MonkeyPatch.context() as patch:
        if real_uid:
            patch.setattr(workspace_assets, "scan_workspace", as_nobody)
        result = run_job("workspace_job", instance=instance, resources=pipeline)
    assert result.success
    assert _rows(pipeline.database) == [r for r in before if r[:2] != ("beta", "SOUL.md")]
    meta = metadata(result, "agent_workspaces")
    assert meta["synced_agents"] == ["beta"]
    assert "Permission denied" in meta["problems"]

    private.chmod(0o755)
    assert run_job("workspace_job", instance=instance, resources=pipeline).success
    assert _rows(pipeline.database) == _on_disk(agents)
    record_figures(
        "fs_real_permission_denied",
        {"cases_tried": 1, "cases_held": 1, "enforced_by": "euid nobody" if real_uid else "chmod 000"},
    )


# --- transient errors never wipe rows ------------------------------------------------------------


@contextlib.contextmanager
def _euid(uid: int) -> Iterator[None]:
    """Run as `uid` (effective ids only, so root can switch back), for the kernel's own checks."""
    if uid == os.geteuid():
        yield
        return
    os.setegid(uid)
    os.seteuid(uid)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


TRANSIENT = (
    "subfolder permission denied",
    "workspace permission denied",
    "workspace missing (unmounted)",
    "subfolder vanished mid-scan",
    "I/O error mid-listing",
    "agents/ folder unreadable",
    "openclaw.json cut mid-write",
)


@pytest.mark.parametrize("case", TRANSIENT)
def test_a_transient_error_keeps_the_rows_it_could_not_confirm(
    case: str,
    open_dir: Path,
    make_state: Callable[[Path, dict[str, Path], list[str]], Path],
    instance: dg.DagsterInstance,
    pipeline: PipelineResources,
) -> None:
    """Run 1 indexes; run 2 meets the error (and a deletion on each side); run 3, healed, syncs."""
    state_root = open_dir
    agents = {"alpha": open_dir / "alpha", "beta": open_dir / "beta"}
    state = make_state(state_root, agents, ["ghost"])
    everyone = {**agents, "ghost": state / "workspace-ghost"}
    for agent, ws in everyone.items():
        for rel in ("SOUL.md", "notes/a.md", "notes/deep/b.md", "memory/c.md"):
            (ws / rel).parent.mkdir(parents=True, exist_ok=True)
            (ws / rel).write_text(f"{agent} {rel}")
    assert run_job("workspace_job", instance=instance, resources=pipeline).success
    before = _rows(pipeline.database)
    assert len(before) == 12

    affected = {"ghost"} if case == "agents/ folder unreadable" else {"alpha"}
    if case == "openclaw.json cut mid-write":
        affected = set(everyone)
    (everyone["alpha"] / "memory" / "c.md").unlink()
    (everyone["beta"] / "memory" / "c.md").unlink()
    (everyone["ghost"] / "memory" / "c.md").unlink()
    refusals: dict[str, tuple[Path, Refusal]] = {
        "subfolder permission denied": (agents["alpha"] / "notes", "EACCES"),
        "workspace permission denied": (agents["alpha"], "EACCES"),
        "subfolder vanished mid-scan": (agents["alpha"] / "notes", "ENOENT"),
        "I/O error mid-listing": (agents["alpha"] / "notes", "EIO"),
        "agents/ folder unreadable": (state / "agents", "EACCES"),
    }
    refused = refusals.get(case)

    config = state / "openclaw.json"
    good_config = config.read_text()
    with pytest.MonkeyPatch.context() as patch:
        if case == "workspace missing (unmounted)":
            agents["alpha"].rename(open_dir / "alpha-unplugged")
        elif case == "openclaw.json cut mid-write":
            config.write_text(good_config[: len(good_config) // 2])
        elif refused is not None:
            refuse_folders(patch, {str(refused[0]): refused[1]})
        result = run_job("workspace_job", instance=instance, resources=pipeline)
    after = _rows(pipeline.database)
    if case == "agents/ folder unreadable":
        # Without the agent list the state directory cannot be read as OpenClaw's: nothing is.
        assert not result.success and after == before
        affected = set(everyone)
    else:
        assert result.success
    deleted_now = {(a, "memory/c.md") for a in everyone if a not in affected}
    assert after == [r for r in before if r[:2] not in deleted_now], case
    if result.success:
        assert metadata(result, "agent_workspaces")["rows_deleted"] == len(deleted_now)

    # Healed: the next run removes exactly what is gone.
    config.write_text(good_config)
    if case == "workspace missing (unmounted)":
        (open_dir / "alpha-unplugged").rename(agents["alpha"])
    assert run_job("workspace_job", instance=instance, resources=pipeline).success
    assert _rows(pipeline.database) == _on_disk(everyone)
    record_figures(
        "fs_transient_" + "_".join("".join(c for c in case if c.isalnum() or c == " ").split()),
        {
            "case": case,
            "cases_tried": 1,
            "cases_held": 1,
            "rows_kept": len(after),
            "rows_deleted": len(deleted_now),
        },
    )


# --- many files ----------------------------------------------------------------------------------


def test_many_files_through_workspace_job(
    open_dir: Path,
    make_state: Callable[[Path, dict[str, Path], list[str]], Path],
    instance: dg.DagsterInstance,
    pipeline: PipelineResources,
) -> None:
    files = size(20_000, 100_000)
    ws = open_dir / "big"
    started = time.perf_counter()
    for d in range(50):
        for e in range(7):
            (ws / f"d{d}" / f"e{e}").mkdir(parents=True)
    for i in range(files):  # a third at level 2, the rest at level 3
        folder = ws / f"d{i % 50}" / f"e{i % 7}" if i % 3 else ws / f"d{i % 50}"
        (folder / f"f{i}.md").write_bytes(b"x" * (i % 97))
    (ws / "d0" / "e1" / "too-deep").mkdir()
    (ws / "d0" / "e1" / "too-deep" / "not-indexed.md").write_text("level 4")
    made = time.perf_counter() - started
    agents = {"big": ws}
    make_state(open_dir, agents, [])

    started = time.perf_counter()
    result = run_job("workspace_job", instance=instance, resources=pipeline)
    first_run = time.perf_counter() - started
    assert result.success
    assert len(_rows(pipeline.database)) == files
    assert _rows(pipeline.database) == _on_disk(agents)

    # A transient error in one of the 50 folders: all rows stay, although 1,000 files were deleted.
    for i in range(0, 3000, 3):
        (ws / f"d{i % 50}" / f"f{i}.md").unlink()
    started = time.perf_counter()
    with pytest.MonkeyPatch.context() as patch:
        refuse_folders(patch, {str(ws / "d17"): "EACCES"})
        assert run_job("workspace_job", instance=instance, resources=pipeline).success
    second_run = time.perf_counter() - started
    assert len(_rows(pipeline.database)) == files

    started = time.perf_counter()
    assert run_job("workspace_job", instance=instance, resources=pipeline).success
    third_run = time.perf_counter() - started
    assert len(_rows(pipeline.database)) == files - 1000
    assert _rows(pipeline.database) == _on_disk(agents)
    record_figures(
        "fs_many_files",
        {
            "cases_tried": 3,
            "cases_held": 3,
            "files": files,
            "make_files_seconds": round(made, 1),
            "first_run_seconds": round(first_run, 1),
            "transient_error_run_seconds": round(second_run, 1),
            "sync_after_1000_deletions_seconds": round(third_run, 1),
        },
    )
