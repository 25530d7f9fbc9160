"""OpenClaw's `openclaw.json` (JSON5): only the parts the pipeline needs (agents, cron store, and the
cost numbers of the configured models).

Secrets stay out: unknown top-level sections (gateway auth) are dropped on load, only the `cost` numbers
are read from `models` (never a provider's `apiKey` or headers), and `${ENV}` references are kept
verbatim, never resolved.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import json5
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mission_pipeline.openclaw.model_rates import ConfiguredRates, parse_model_rates
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.state_dir import expand_path

_VALID_AGENT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_INVALID_CHARS = re.compile(r"[^a-z0-9_-]+")


class AgentEntry(BaseModel):
    """One configured agent (`agents.entries.<id>` or `agents.list[]`); extra fields are kept."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    id: str = ""
    name: str | None = None
    workspace: str | None = None
    default: bool = False
    agent_dir: str | None = Field(default=None, alias="agentDir")


class AgentDefaults(BaseModel):
    """`agents.defaults`: only the shared workspace matters here."""

    model_config = ConfigDict(extra="ignore")

    workspace: str | None = None


class OpenClawConfig(BaseModel):
    """The agent and cron settings of one `openclaw.json`; empty when there is none."""

    model_config = ConfigDict(extra="ignore")

    path: Path | None = None
    valid: bool = True
    # False when some agent entry (or agents.defaults) was dropped as invalid: the agent list is partial.
    complete: bool = True
    agents: list[AgentEntry] = Field(default_factory=list)
    defaults: AgentDefaults = Field(default_factory=AgentDefaults)
    cron_store: str | None = None
    # What OpenClaw prices calls with; a bad cost entry is listed in it, not in the ProblemLog,
    # so the agent and cron readers sharing this config never warn about prices.
    model_rates: ConfiguredRates = Field(default_factory=ConfiguredRates)


def normalize_agent_id(raw: str) -> str:
    """OpenClaw's agent id normalization: lowercase, `[a-z0-9][a-z0-9_-]{0,63}`, invalid runs become `-`."""
    text = raw.strip().lower()
    if _VALID_AGENT_ID.match(text):
        return text
    return _INVALID_CHARS.sub("-", text).strip("-")[:64]


def config_path(state_dir: Path, env: Mapping[str, str] | None = None) -> Path:
    """`OPENCLAW_CONFIG_PATH`, else `<stateDir>/openclaw.json`."""
    env = os.environ if env is None else env
    override = env.get("OPENCLAW_CONFIG_PATH", "").strip()
    return expand_path(override, env) if override else state_dir / "openclaw.json"


def load_config(
    state_dir: Path, *, problems: ProblemLog, env: Mapping[str, str] | None = None
) -> OpenClawConfig:
    """Read `openclaw.json`; a missing file gives an empty config, an unreadable one a Problem too."""
    path = config_path(state_dir, env)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return OpenClawConfig()
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(path, f"cannot read config: {_reason(exc)}")
        return OpenClawConfig(path=path, valid=False)
    try:
        data = json5.loads(text)
    except ValueError as exc:
        # json5 messages name a position, never the surrounding text, so no secret leaks here.
        problems.add(path, f"invalid JSON5: {exc}")
        return OpenClawConfig(path=path, valid=False)
    if not isinstance(data, dict):
        problems.add(path, "config is not a JSON object")
        return OpenClawConfig(path=path, valid=False)
    return _parse(path, data, problems)


def _parse(path: Path, data: dict[str, Any], problems: ProblemLog) -> OpenClawConfig:
    agents = data.get("agents")
    agents = agents if isinstance(agents, dict) else {}
    defaults = AgentDefaults()
    complete = True
    if isinstance(agents.get("defaults"), dict):
        try:
            defaults = AgentDefaults.model_validate(agents["defaults"])
        except ValidationError as exc:
            problems.add(path, f"agents.defaults: {_first_error(exc)}")
            complete = False
    raw_entries: list[tuple[str, Any]] = []
    entries = agents.get("entries")
    if isinstance(entries, dict):  # current keyed form: the key is the agent id
        for key, value in entries.items():
            raw_entries.append(
                (f"agents.entries.{key}", {**value, "id": key} if isinstance(value, dict) else value)
            )
    listed = agents.get("list")
    if isinstance(listed, list):  # older array form
        raw_entries += [(f"agents.list[{i}]", value) for i, value in enumerate(listed)]
    found: dict[str, AgentEntry] = {}
    for where, raw in raw_entries:
        entry = _parse_entry(path, where, raw, problems)
        if entry is None:
            complete = False
        elif entry.id not in found:
            found[entry.id] = entry
    cron = data.get("cron")
    store = cron.get("store") if isinstance(cron, dict) else None
    return OpenClawConfig(
        path=path,
        complete=complete,
        agents=list(found.values()),
        defaults=defaults,
        cron_store=store if isinstance(store, str) and store.strip() else None,
        model_rates=parse_model_rates(data.get("models")),
    )


def _parse_entry(path: Path, where: str, raw: Any, problems: ProblemLog) -> AgentEntry | None:
    if not isinstance(raw, dict):
        problems.add(path, f"{where}: agent entry is not an object")
        return None
    try:
        entry = AgentEntry.model_validate(raw)
    except ValidationError as exc:
        problems.add(path, f"{where}: {_first_error(exc)}")
        return None
    agent_id = normalize_agent_id(entry.id)
    if not agent_id:
        problems.add(path, f"{where}: agent entry has no usable id")
        return None
    return entry.model_copy(update={"id": agent_id})


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"


def _reason(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
