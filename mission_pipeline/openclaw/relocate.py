"""Copy an OpenClaw state directory elsewhere, as a user moving their state would.

`openclaw.json` names each agent's workspace by absolute path; a moved copy gets those paths
rewritten to its own location (everything before `/state/` is the old location in the samples).
"""

from __future__ import annotations

import json
import re
import shutil
import stat
from pathlib import Path

_WORKSPACE_PREFIX = re.compile(r'"workspace"\s*:\s*"(?P<prefix>[^"]*?)/workspace[^"/]*"')


def copy_state_dir(source: Path, destination: Path) -> Path:
    """Copy `source` to `destination` and point its configured workspaces at the copy."""
    shutil.copytree(source, destination, symlinks=True)
    _make_writable(destination)
    config = destination / "openclaw.json"
    if config.is_file():
        text = config.read_text(encoding="utf-8")
        old_prefixes = {m.group("prefix") for m in _WORKSPACE_PREFIX.finditer(text)}
        for old in sorted(old_prefixes, key=len, reverse=True):
            if old and old != str(destination):
                text = text.replace(json.dumps(old)[1:-1] + "/", json.dumps(str(destination))[1:-1] + "/")
        config.write_text(text, encoding="utf-8")
    return destination


def _make_writable(root: Path) -> None:
    """A copy of a read-only source (an installed sample) must be a state dir one can write to."""
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            mode = path.stat().st_mode
            path.chmod(mode | stat.S_IWUSR | (stat.S_IXUSR if path.is_dir() else 0))
