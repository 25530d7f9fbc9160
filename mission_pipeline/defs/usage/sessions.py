"""The raw session dump: OpenClaw's session index as last seen, pruned sessions marked gone."""

import dagster as dg
import pandas as pd

from mission_pipeline.defs.resources import DATABASE_RETRY, OpenClawResource
from mission_pipeline.openclaw.cli import OpenClawCliError
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.sessions import SessionRecord, read_session_index, read_session_index_from_cli

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


@dg.asset(
    group_name="usage",
    retry_policy=DATABASE_RETRY,
    kinds={"python", "postgres"},
    metadata={"write_mode": "sync", "primary_key": ["agent_id", "session_id"], "gone_column": "gone_at"},
)
def openclaw_session_dumps(
    context: dg.AssetExecutionContext, openclaw: OpenClawResource
) -> dg.Output[pd.DataFrame]:
    """Raw dump of OpenClaw's session index (metadata only: its token counters are not billing data)."""
    state_dir = openclaw.state_dir()
    if not (state_dir / "agents").is_dir():
        raise dg.Failure(
            description=f"no OpenClaw agents under {state_dir}: nothing to dump, no session marked gone",
            allow_retries=False,  # the retry policy is for the database; retrying cannot fix a path
        )
    problems = ProblemLog(base=state_dir)
    command = openclaw.cli_command()
    source = "store"
    records: list[SessionRecord] | None = None
    if command is not None:
        try:
            records = read_session_index_from_cli(command, state_dir)
            source = "openclaw sessions --all-agents --json"
        except OpenClawCliError as exc:
            context.log.warning(f"{exc}; reading the session store directly instead")
    if records is None:
        records = read_session_index(state_dir, problems=problems)
    frame = session_frame(records)
    return dg.Output(
        frame,
        metadata={
            "source": source,
            "sessions": len(frame),
            "sessions_by_agent": frame.groupby("agent_id").size().to_dict() if len(frame) else {},
            "unreadable": problems.count,
            "problems": dg.MetadataValue.md("\n".join(f"- `{p}`" for p in problems.lines(20)) or "none"),
        },
    )
