"""The raw session dump: OpenClaw's session index as last seen, pruned sessions marked gone."""

from collections.abc import Iterator
from typing import Any

import dagster as dg
import pandas as pd

from mission_pipeline.defs.gateway import where_it_ran
from mission_pipeline.defs.resources import OpenClawResource, require_state_dir
from mission_pipeline.defs.retries import warehouse_asset
from mission_pipeline.defs.sync_scope import agent_sync_scope, source_complete_spec
from mission_pipeline.openclaw.cli import OpenClawCliError
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.sessions import (
    SessionIndex,
    SessionRecord,
    read_session_index_from_cli,
    read_session_stores,
)
from mission_pipeline.openclaw.transcripts.files import agent_ids_in
from mission_pipeline.warehouse.io_manager import TableOutput

SESSION_COLUMNS = [
    "agent_id", "session_id", "session_key", "kind", "model", "model_provider", "status",
    "started_at", "last_updated_at", "entry", "source",
]  # fmt: skip


def session_frame(records: list[SessionRecord]) -> pd.DataFrame:
    """One row per (agent, session id); a key without a session id has nothing to dump."""
    rows = [
        (r.agent_id, r.session_id, r.session_key, r.kind, r.model, r.model_provider, r.status,
         r.started_at, r.updated_at, r.entry, r.source)
        for r in records
        if r.session_id
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=SESSION_COLUMNS)
    # The same session under two keys (a cron job's run key and its "latest" key): keep one row.
    frame = frame.sort_values(["agent_id", "session_id", "session_key"]).drop_duplicates(
        ["agent_id", "session_id"]
    )
    for column in ("started_at", "last_updated_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame.reset_index(drop=True)


@warehouse_asset(
    group_name="usage",
    kinds={"python", "postgres"},
    metadata={
        "write_mode": "sync",
        "primary_key": ["gateway_id", "agent_id", "session_id"],
        "gone_column": "gone_at",
    },
    check_specs=[source_complete_spec("openclaw_session_dumps", "Every agent's session store")],
)
def openclaw_session_dumps(context: dg.AssetExecutionContext, openclaw: OpenClawResource) -> Iterator[Any]:
    """Raw dump of OpenClaw's session index (metadata only: its token counters are not billing data)."""
    state_dir = require_state_dir(openclaw, "openclaw_session_dumps")
    problems = ProblemLog(base=state_dir)
    command = openclaw.cli_command()
    source = "store"
    index: SessionIndex | None = None
    if command is not None:
        try:
            index = SessionIndex(read_session_index_from_cli(command, state_dir))
            source = "openclaw sessions --all-agents --json"
        except OpenClawCliError as exc:
            context.log.warning(f"{exc}; reading the session store directly instead")
    if index is None:
        index = read_session_stores(state_dir, problems=problems)
    frame = session_frame(index.records)
    # Sessions of an agent whose store was not read in full are not marked gone.
    agents = set(agent_ids_in(state_dir, None)) | set(frame["agent_id"]) | set(index.unread)
    bounds = agent_sync_scope("agent_id", agents, index.unread, agent_list_complete=None)
    written = bounds.of_gateway("gateway_id", [openclaw.gateway_id])
    yield dg.Output(
        TableOutput.of(
            frame.assign(gateway_id=openclaw.gateway_id),
            sync_scope=written.scope,
            sync_exclude=written.exclude,
        ),
        metadata={
            **where_it_ran(openclaw.gateway_id),
            "source": source,
            "sessions": len(frame),
            "sessions_by_agent": frame.groupby("agent_id").size().to_dict() if len(frame) else {},
            "unreadable": problems.count,
            "problems": dg.MetadataValue.md("\n".join(f"- `{p}`" for p in problems.lines(20)) or "none"),
        },
    )
    yield bounds.check(context)
