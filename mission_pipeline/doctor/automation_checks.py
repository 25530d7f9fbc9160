"""Dagster's schedules and sensors: running or not, and how their last tick went."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mission_pipeline.doctor.base import CheckBase
from mission_pipeline.doctor.findings import Finding, Status, ago, first_line, worst

if TYPE_CHECKING:
    import dagster as dg
    from dagster._core.scheduler.instigation import InstigatorState, InstigatorTick

DEFAULT_WORKSPACE = Path("workspace.yaml")
DEFAULT_MODULE = "mission_pipeline.definitions"
DEFAULT_LOCATION = "mission_pipeline"


class AutomationChecks(CheckBase):
    """The project's schedules and sensors as the daemon sees them."""

    def _automation(self, instance: dg.DagsterInstance, healthy: set[str]) -> list[Finding]:
        try:
            location, repo = load_code_location(self.workspace)
        except Exception as exc:  # the code location the daemon loads does not load
            return [Finding("schedules", "fail", "code location does not load", (self.error(exc),))]
        states: dict[str, list[InstigatorState]] = {}
        for state in instance.all_instigator_state():
            if state.origin.repository_origin.code_location_origin.location_name == location:
                states.setdefault(state.instigator_name, []).append(state)
        schedules = [(s.name, s.default_status.value) for s in repo.schedule_defs]
        sensors = [(s.name, s.default_status.value) for s in repo.sensor_defs]
        return [
            self._instigators(instance, "schedules", schedules, states, "SCHEDULER" in healthy),
            self._instigators(instance, "sensors", sensors, states, "SENSOR" in healthy),
        ]

    def _instigators(
        self,
        instance: dg.DagsterInstance,
        topic: str,
        defined: Sequence[tuple[str, str]],
        states: dict[str, list[InstigatorState]],
        daemon_alive: bool,
    ) -> Finding:
        from dagster._core.scheduler.instigation import InstigatorStatus, TickStatus

        lines: list[str] = []
        statuses: list[Status] = []
        width = max((len(name) for name, _ in defined), default=0)
        on = 0
        for name, default in sorted(defined):
            state, tick = _latest_state(instance, states.get(name, []))
            if state is not None and state.status == InstigatorStatus.RUNNING:
                running, why = True, "started in the UI"
            elif state is not None and state.status == InstigatorStatus.STOPPED:
                running, why = False, "stopped in the UI"
            else:
                running, why = default == "RUNNING", "as in code"
            last = "no tick yet"
            if tick is not None:
                last = f"last tick {ago(self.now() - tick.timestamp)}: {tick.status.value.lower()}"
            line = f"{name:<{width}}  {'on ' if running else 'off'} ({why}), {last}"
            status: Status = "ok"
            if not running and default == "RUNNING":
                status, line = "fail", f"{line}; start it in the UI (Automation)"
            elif tick is not None and tick.status == TickStatus.FAILURE:
                error = tick.error.message if tick.error is not None else "no message"
                status, line = "warn", f"{line}: {self.hide(first_line(error))}"
            on += running
            statuses.append(status)
            lines.append(line)
        if daemon_alive:
            summary = f"{on} of {len(defined)} running"
        else:
            summary = f"none running: the daemon is down ({on} of {len(defined)} switched on)"
            statuses.append("fail" if on else "ok")
        return Finding(topic, worst(statuses), summary, tuple(lines))


def _latest_state(
    instance: dg.DagsterInstance, states: Sequence[InstigatorState]
) -> tuple[InstigatorState | None, InstigatorTick | None]:
    """Of the stored states of one name (one per origin its code was loaded from), the latest to tick."""
    best: tuple[InstigatorState | None, InstigatorTick | None] = (None, None)
    for state in states:
        ticks = instance.get_ticks(state.instigator_origin_id, state.selector_id, limit=1)
        tick = ticks[0] if ticks else None
        if best[0] is None or (tick is not None and (best[1] is None or tick.timestamp > best[1].timestamp)):
            best = (state, tick)
    return best


def load_code_location(workspace: Path | None) -> tuple[str, dg.RepositoryDefinition]:
    """The project's code location as the webserver and daemon load it from `workspace`.

    None: ./workspace.yaml when there is one, else the project's module.
    """
    import dagster as dg
    from dagster._core.code_pointer import load_python_module
    from dagster._core.workspace.autodiscovery import loadable_targets_from_python_module
    from dagster_shared.yaml_utils import load_yaml_from_path

    module_name, attribute, location, directory = DEFAULT_MODULE, "", DEFAULT_LOCATION, None
    if workspace is not None and not workspace.is_file():
        # Named explicitly: loading the default module instead would check something else.
        raise FileNotFoundError(f"{workspace}: no such workspace file")
    workspace = workspace or (DEFAULT_WORKSPACE if DEFAULT_WORKSPACE.is_file() else None)
    if workspace is not None:
        config = load_yaml_from_path(str(workspace))
        entries = config.get("load_from", []) if isinstance(config, dict) else []
        modules = [e["python_module"] for e in entries if isinstance(e, dict) and "python_module" in e]
        if not modules:
            raise ValueError(f"{workspace}: no python_module entry under load_from")
        entry = modules[0] if isinstance(modules[0], dict) else {"module_name": modules[0]}
        module_name = str(entry["module_name"])
        attribute = str(entry.get("attribute") or "")
        location = str(entry.get("location_name") or module_name)
        directory = str(entry.get("working_directory") or workspace.resolve().parent)
    if attribute:
        target: object = getattr(load_python_module(module_name, directory), attribute)
    else:
        (loadable,) = loadable_targets_from_python_module(module_name, directory)
        target = loadable.target_definition
    if isinstance(target, dg.Definitions):
        return location, target.get_repository_def()
    if isinstance(target, dg.RepositoryDefinition):
        return location, target
    raise TypeError(f"{module_name}: {type(target).__name__} is not a Definitions object")
