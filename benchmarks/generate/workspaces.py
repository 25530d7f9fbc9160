"""Agent workspaces: the first agent's at scale (what the workspace scan is measured on), the others small."""

from __future__ import annotations

import math
import os
import random
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.generate.filler import WORDS
from benchmarks.generate.scale import Scale
from benchmarks.generate.times import day_ms
from benchmarks.templates.samples import V5

# What an agent keeps at the top of its workspace (bootstrap files), plus names with a space and unicode.
TOP_FILES = [
    "AGENTS.md",
    "SOUL.md",
    "MEMORY.md",
    "IDENTITY.md",
    "USER.md",
    "TOOLS.md",
    "HEARTBEAT.md",
    "meeting notes.md",
    "résumé-日本語.md",
]
FILES_PER_PROJECT = 200


def generate_workspace(root: Path, files: int, scale: Scale) -> dict[str, Any]:
    """`files` regular files within 3 levels (what the scan indexes) plus deeper ones it must not.

    Shaped like an agent workspace: the bootstrap files at the top, `memory/<day>.md` notes, and
    `projects/<project>/<file>` (level 3), with unicode and spaces in some names; `projects/<p>/src/`
    holds level-4 files that neither the scan nor `find -maxdepth 3` lists.
    """
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(scale.seed + 99)  # noqa: S311
    root.mkdir(parents=True)
    end_s = day_ms(scale.last_day) / 1000 + 86_000
    span_s = scale.days * 86_400
    made = 0
    total_bytes = 0
    payload = (WORDS * 40).encode()

    def put(path: Path, *, counted: bool = True) -> None:
        """One file of random size and mtime within the history's span; `counted` if the scan lists it."""
        nonlocal made, total_bytes
        size = min(int(rng.lognormvariate(math.log(1200), 1.1)), len(payload))
        with open(path, "wb") as handle:
            handle.write(payload[:size])
        t = end_s - rng.random() * span_s
        os.utime(path, (t, t))
        if counted:
            made += 1
            total_bytes += size

    for name in TOP_FILES[: max(0, min(len(TOP_FILES), files))]:
        put(root / name)
    memory = root / "memory"
    memory.mkdir()
    for k in range(min(scale.days, max(files - made, 0) // 4)):
        put(memory / f"{(scale.first_day + timedelta(days=k)).isoformat()}.md")
    projects = root / "projects"
    projects.mkdir()
    p = 0
    deep = 0
    while made < files:
        folder = projects / (f"client-{p:04d}" if p % 7 else f"Projekt {p:04d} – Ü")
        folder.mkdir()
        for i in range(min(FILES_PER_PROJECT, files - made)):
            ext = (".md", ".csv", ".json", ".txt", ".pdf")[i % 5]
            put(folder / (f"note-{i:04d}{ext}" if i % 50 else f"résumé {i:04d}{ext}"))
        if p % 10 == 0:  # deeper than the index goes
            src = folder / "src"
            src.mkdir()
            for i in range(40):
                put(src / f"module_{i:03d}.py", counted=False)
                deep += 1
        p += 1
    return {"files": made, "bytes": total_bytes, "deeper_files": deep, "projects": p}


def copy_sample_workspaces(state: Path, agents: list[str]) -> None:
    """The other agents' workspaces: the real sample workspace, copied."""
    for agent in agents[1:]:
        target = state / f"workspace-{agent}"
        if not target.exists():
            shutil.copytree(V5 / "workspace-main", target)
            for folder, dirs, files in os.walk(target):
                for name in [*dirs, *files]:
                    os.chmod(os.path.join(folder, name), 0o755 if name in dirs else 0o644)
            os.chmod(target, 0o755)  # noqa: S103 (a workspace folder, as the sample's)
