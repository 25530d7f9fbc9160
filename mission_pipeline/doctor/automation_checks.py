"""Dagster's schedules and sensors: running or not, and how their last tick went."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mission_pipeline.doctor.base import CheckBase
from mission_pipeline.doctor.findings import Finding, Status, ago, first_line, worst
from mission_pipeline.doctor.workspace import workspace_entries

if TYPE_CHECKING:
    import dagster as dg
    from dagster._core.scheduler.instigation import InstigatorState, InstigatorTick


class AutomationChecks(CheckBase):
    """The project's schedules and sensors as the daemon sees them."""

    def _automation(self, instance: dg.DagsterInstance, healthy: set[str]) -> list[Finding]:
        try:
            entries = workspace_entries(self.workspace)
        except Exception as exc:  # a workspace file that cannot be read
            return [Finding("schedules", "fail", "workspace does not load", (self.error(exc),))]
        found: list[Finding] = []
        several = len(entries) > 1
        for entry in entries:
            suffix = f" ({entry.location})" if several else ""
            try:
                schedules, sensors = entry.instigators(instance)
            except Exception as exc:  # the code location the daemon loads does not load, or does not answer
                what = "does not answer" if entry.server else "does not load"
                where = (
                    f"code location {entry.location}{entry.server}"
                    if several or entry.server
                    else "code location"
                )
                found.append(Finding("schedules" + suffix, "fail", f"{where} {what}", (self.error(exc),)))
                continue
            states: dict[str, list[InstigatorState]] = {}
            for state in instance.all_instigator_state():
                if state.origin.repository_origin.code_location_origin.location_name == entry.location:
                    states.setdefault(state.instigator_name, []).append(state)
            found.append(
                self._instigators(instance, "schedules" + suffix, schedules, states, "SCHEDULER" in healthy)
            )
            found.append(
                self._instigators(instance, "sensors" + suffix, sensors, states, "SENSOR" in healthy)
            )
        return found

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
