"""Cron jobs from OpenClaw's CLI (`openclaw cron list`, paged through the gateway's cron.list)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from mission_pipeline.openclaw.cli import OpenClawCliError, run_openclaw_json
from mission_pipeline.openclaw.cron.schedule import job_record
from mission_pipeline.openclaw.cron.snapshot import CronSnapshot
from mission_pipeline.openclaw.problems import ProblemLog

CLI_PAGE_LIMIT = 200  # OpenClaw caps one cron.list page at 200 jobs
_MAX_PAGES = 1000
_LIST_ARGS = ["cron", "list", "--all", "--json"]
_CLI_WHERE = "openclaw " + " ".join(_LIST_ARGS)


class _CliPage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    jobs: list[Any]
    total: int | None = None
    hasMore: bool | None = False  # OpenClaw's camelCase names
    nextOffset: int | None = None
    snapshotRevision: str | None = None


def jobs_from_cli(
    command: list[str], state_dir: Path, problems: ProblemLog, default_agent_id: str | None
) -> CronSnapshot:
    """Every job the CLI lists, all pages; OpenClawCliError when the listing cannot be trusted."""
    page = _page(run_openclaw_json(command, _LIST_ARGS, state_dir=state_dir))
    rows, revision, offset, pages = list(page.jobs), page.snapshotRevision, 0, 1
    while page.hasMore:
        # `cron list` itself has no offset flag; later pages come from the same RPC it calls.
        if page.nextOffset is None or page.nextOffset <= offset or pages >= _MAX_PAGES:
            raise OpenClawCliError(f"cron.list paging did not advance (nextOffset={page.nextOffset})")
        offset = page.nextOffset
        params = json.dumps({"includeDisabled": True, "limit": CLI_PAGE_LIMIT, "offset": offset})
        args = ["gateway", "call", "cron.list", "--params", params, "--json"]
        page = _page(run_openclaw_json(command, args, state_dir=state_dir))
        if revision is not None and page.snapshotRevision not in (None, revision):
            raise OpenClawCliError("cron jobs changed while paging through cron.list")
        rows += page.jobs
        pages += 1
    if page.total is not None and len(rows) != page.total:
        raise OpenClawCliError(f"cron.list returned {len(rows)} jobs but reported total {page.total}")
    ids = [row.get("id") for row in rows if isinstance(row, dict)]
    if len(ids) != len(set(ids)):
        raise OpenClawCliError("cron.list returned a job twice (inventory changed while paging?)")
    snapshot = CronSnapshot("cli", f"{_CLI_WHERE}: {len(rows)} jobs in {pages} page(s)")
    for index, row in enumerate(rows):
        state = row.get("state") if isinstance(row, dict) else None
        snapshot.add(job_record(row, state, _CLI_WHERE, str(index), problems, default_agent_id), row)
    return snapshot


def _page(output: Any) -> _CliPage:
    try:
        page = _CliPage.model_validate(output)
    except ValidationError as exc:
        raise OpenClawCliError(f"unexpected cron list output: {exc.errors()[0]['msg']}") from None
    if len(page.jobs) > CLI_PAGE_LIMIT:
        raise OpenClawCliError(f"cron.list page holds {len(page.jobs)} jobs, more than {CLI_PAGE_LIMIT}")
    return page
