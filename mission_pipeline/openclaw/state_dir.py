"""Where OpenClaw keeps its state, resolved the way OpenClaw itself does (`src/config/paths.ts`)."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import json5

from mission_pipeline.openclaw.problems import ProblemLog


def home_dir(env: Mapping[str, str] | None = None) -> Path:
    """OpenClaw's notion of home: `OPENCLAW_HOME`, else `HOME`, else `USERPROFILE`, else the OS home."""
    env = os.environ if env is None else env
    os_home = next(
        (Path(v) for v in (env.get("HOME", "").strip(), env.get("USERPROFILE", "").strip()) if v), None
    )
    os_home = os_home or Path.home()
    override = env.get("OPENCLAW_HOME", "").strip()
    if override == "~" or override.startswith("~/"):  # `~` here means the OS user's home
        return os_home / override[2:]
    return Path(override) if override else os_home


def expand_path(value: str, env: Mapping[str, str] | None = None, *, base: Path | None = None) -> Path:
    """Expand a leading `~` against OpenClaw's home; anchor relative paths at `base` when given."""
    text = value.strip()
    if text == "~" or text.startswith(("~/", "~\\")):
        path = home_dir(env) / text[2:] if len(text) > 1 else home_dir(env)
    else:
        path = Path(text)
    if base is not None and not path.is_absolute():
        path = base / path
    return path


@dataclass(frozen=True)
class StateDirLocation:
    """The state directory to read and where that choice came from, for messages that name both."""

    path: Path
    origin: str
    # True when the user named it (OPENCLAW_STATE_DIR or OPENCLAW_HOME), False for the home default.
    configured: bool

    def __str__(self) -> str:
        return f"{self.path} ({self.origin})"


def locate_state_dir(
    configured: str | Path | None = None, env: Mapping[str, str] | None = None
) -> StateDirLocation:
    """`configured` (OPENCLAW_STATE_DIR as the settings read it), else the directory OpenClaw uses."""
    env = os.environ if env is None else env
    explicit = (
        str(configured).strip() if configured is not None else env.get("OPENCLAW_STATE_DIR", "").strip()
    )
    if explicit:
        return StateDirLocation(expand_path(explicit, env), "from OPENCLAW_STATE_DIR", True)
    home = home_dir(env)
    current = home / ".openclaw"
    legacy = home / ".clawdbot"
    override = env.get("OPENCLAW_HOME", "").strip()
    origin = f"OPENCLAW_HOME={override}" if override else "OpenClaw's default under $HOME"
    # OpenClaw only falls back to the pre-rename folder when the new one was never created.
    if not current.exists() and legacy.is_dir():
        return StateDirLocation(legacy, f"{origin}, the pre-rename .clawdbot", bool(override))
    return StateDirLocation(current, origin, bool(override))


def resolve_state_dir(env: Mapping[str, str] | None = None) -> Path:
    """`OPENCLAW_STATE_DIR`, else `<home>/.openclaw` (or legacy `<home>/.clawdbot` if only that exists)."""
    return locate_state_dir(None, env).path


def load_json_file(path: Path, problems: ProblemLog) -> Any:
    """Parse a JSON (or JSON5) file OpenClaw wrote; None, with a Problem unless it is missing, on failure."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(path, f"cannot read: {getattr(exc, 'strerror', None) or exc}")
        return None
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return json5.loads(text)  # OpenClaw reads its stores with JSON5; hand edits may use it
    except ValueError as exc:
        problems.add(path, f"invalid JSON: {exc}")
        return None


def json_object(text: Any) -> dict[str, Any] | None:
    """JSON text from a SQLite column or a log line, if it is a JSON object; None otherwise."""
    try:
        value = json.loads(text) if isinstance(text, str | bytes) else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def pick_store_key(
    rows: list[tuple[Any, Any]], jobs_path: Path, db: Path, problems: ProblemLog
) -> tuple[str | None, str]:
    """The `store_key` (a jobs.json path) OpenClaw uses for this state dir, and a note for the detail.

    Rows are `(store_key, updated_at)`. A Gateway only runs rows keyed by the path it resolves now;
    a moved or copied state dir still names its old path, which is then the only key there is.
    """
    counts = Counter(str(key or "") for key, _ in rows)
    latest: dict[str, int] = {}
    for key, updated in rows:
        latest[str(key or "")] = max(
            latest.get(str(key or ""), 0), updated if isinstance(updated, int) else 0
        )
    wanted = {str(jobs_path), str(jobs_path.absolute()), os.path.realpath(jobs_path)}
    chosen = next((k for k in counts if k in wanted or os.path.realpath(k) in wanted), None)
    if chosen is None and len(counts) == 1:
        chosen = next(iter(counts))
        return chosen, f" (store key {chosen}: state dir moved?)"
    if chosen is None and counts:
        chosen = max(counts, key=latest.__getitem__)
        problems.add(
            db, f"cron_jobs holds {len(counts)} stores, none for {jobs_path}; read the latest: {chosen}"
        )
    ignored = sum(counts.values()) - counts[chosen] if chosen is not None else 0
    return chosen, f" ({ignored} rows of other stores ignored: OpenClaw does not run them)" if ignored else ""
