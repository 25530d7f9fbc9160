"""What a sync may delete, given what its read proved, and the check that says so in the run.

A sync removes the rows its source no longer has. That is only sound for the part of the source that
was read completely: an agent whose workspace or session store could not be read, or an agent list
that could not be listed in full, proves nothing gone. Each sync asset says per agent what it read
and what it left alone; this module turns that into the IO manager's scope and into a
`source_complete` check that fails (as a warning) and names each part left alone and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import dagster as dg

from mission_pipeline.defs.gateway import gateway_key
from mission_pipeline.gateways import QualifiedIdsOf, qualify
from mission_pipeline.warehouse.io_manager.table_output import ScopeCondition

SOURCE_COMPLETE = "source_complete"
ALL = "(all)"


def source_complete_spec(asset: str, what: str) -> dg.AssetCheckSpec:
    """The check every sync asset declares: did the read cover everything, so deletions were sound?"""
    return dg.AssetCheckSpec(
        SOURCE_COMPLETE,
        asset=gateway_key(asset),
        description=f"{what} was read completely, so rows it no longer has were removed. When it fails, "
        "the parts named in its metadata could not be read and their rows were kept as they were.",
    )


@dataclass
class SyncScope:
    """Rows the sync may remove (`scope`, None: the whole table) minus `exclude`, and what was kept."""

    scope: dict[str, list[str] | ScopeCondition] | None
    exclude: dict[str, list[str]]
    kept: dict[str, str] = field(default_factory=dict)

    @classmethod
    def nothing(cls, column: str, why: str) -> SyncScope:
        """A read that proves nothing: write what was read, remove no row."""
        return cls({column: []}, {}, {ALL: why})

    def of_gateway(self, column: str, rows: list[str] | ScopeCondition) -> SyncScope:
        """This scope narrowed to one gateway: its rows are those where `column` takes `rows`.

        A scope that already lists the gateway's own ids in `column` stays as it is.
        """
        scope = dict(self.scope or {})
        scope.setdefault(column, rows)
        return SyncScope(scope, self.exclude, self.kept)

    def qualified(self, column: str, gateway_id: str) -> SyncScope:
        """This scope over a dashboard table whose `column` holds ids qualified by gateway (`vps2:main`):
        the listed ids qualified, and the rows of other gateways out of reach."""

        def ids(values: list[str]) -> list[str]:
            return [qualify(gateway_id, value) for value in values]

        scope = {
            c: ids(v) if c == column and isinstance(v, list) else v for c, v in (self.scope or {}).items()
        }
        exclude = {c: ids(v) if c == column else v for c, v in self.exclude.items()}
        return SyncScope(scope or None, exclude, self.kept).of_gateway(column, QualifiedIdsOf(gateway_id))

    def synced(self, column: str, ids: Iterable[str]) -> list[str]:
        """Which of `ids` had their rows synced (removals included) by this write."""
        in_scope = (self.scope or {}).get(column)
        if isinstance(in_scope, list):
            return sorted(set(in_scope) & set(ids))
        return sorted(set(ids) - set(self.exclude.get(column, [])))

    def check(self, context: dg.AssetExecutionContext) -> dg.AssetCheckResult:
        """The `source_complete` result for this write."""
        return source_complete_result(context, self.kept)


def source_complete_result(context: dg.AssetExecutionContext, kept: Mapping[str, str]) -> dg.AssetCheckResult:
    """`source_complete`: passes when nothing was left alone; else fails (as a warning) naming each part.

    Each part left alone is also a warning in the run's log, so the run view says it too.
    """
    for part, why in kept.items():
        context.log.warning(f"{part}: {why}; its rows were kept as they were")
    rows = "\n".join(f"| {part} | {why} |" for part, why in sorted(kept.items()))
    table = f"| left alone | why |\n|---|---|\n{rows}" if kept else "nothing: the read was complete"
    return dg.AssetCheckResult(
        check_name=SOURCE_COMPLETE,
        passed=not kept,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"kept_unchanged": dg.MetadataValue.md(table), "parts_left_alone": len(kept)},
    )


def agent_sync_scope(
    column: str, agent_ids: Iterable[str], unread: Mapping[str, str], *, agent_list_complete: str | None
) -> SyncScope:
    """Sync the agents read in full; keep the `unread` ones (agent -> why) as they are.

    `agent_list_complete` is None when the agent list is known to be complete, so the rows of an agent
    OpenClaw no longer has at all leave too; otherwise it says why only the agents read are synced.
    """
    read = sorted(a for a in agent_ids if a not in unread)
    kept = dict(unread)
    if agent_list_complete is not None:
        kept[ALL] = f"{agent_list_complete}: only the agents read ({', '.join(read) or 'none'}) were synced"
        return SyncScope({column: read}, {}, kept)
    return SyncScope(None, {column: sorted(unread)}, kept)
