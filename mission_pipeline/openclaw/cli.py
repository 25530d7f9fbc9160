"""Runs OpenClaw's own CLI when it is installed, and parses its JSON output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any


class OpenClawCliError(RuntimeError):
    """The CLI ran but failed, or printed something that is not JSON."""


def find_openclaw_cli(setting: str | None = "auto") -> list[str] | None:
    """The command that runs OpenClaw's CLI, or None when it is off or not installed.

    `setting` is "auto" (look for `openclaw` on PATH), "off", or a path to an executable.
    """
    if setting is None or setting == "auto":
        found = shutil.which("openclaw")
        return [found] if found else None
    if setting == "off":
        return None
    path = Path(setting).expanduser()
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise OpenClawCliError(f"OPENCLAW_CLI={setting} is not an executable file")
    return [str(path)]


def run_openclaw_json(command: list[str], args: list[str], *, state_dir: Path, timeout: float = 120.0) -> Any:
    """Run `openclaw <args>` against `state_dir` and return its parsed JSON output."""
    env = {**os.environ, "OPENCLAW_STATE_DIR": str(state_dir), "NO_COLOR": "1"}
    shown = " ".join(["openclaw", *args])
    try:
        done = subprocess.run(
            [*command, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise OpenClawCliError(f"`{shown}` did not finish within {timeout:.0f}s") from None
    except OSError as exc:
        raise OpenClawCliError(f"`{shown}` could not start: {exc.strerror}") from None
    try:
        parsed = json.loads(done.stdout) if done.stdout.strip() else None
    except json.JSONDecodeError:
        parsed = None
    if done.returncode != 0 or parsed is None:
        reason = _error_reason(parsed) or _last_line(done.stderr) or "no JSON output"
        raise OpenClawCliError(f"`{shown}` failed (exit {done.returncode}): {reason}")
    return parsed


def _error_reason(parsed: Any) -> str | None:
    if isinstance(parsed, dict) and parsed.get("ok") is False:
        error = parsed.get("error")
        if isinstance(error, dict):
            return str(error.get("message") or error)
        return str(error)
    return None


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""
