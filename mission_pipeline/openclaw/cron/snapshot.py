"""`CronSnapshot`: every cron job of one store, where it came from, and whether it is whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from mission_pipeline.openclaw.cron.schedule import CronJobRecord
from mission_pipeline.openclaw.problems import ProblemLog

CronSource = Literal["cli", "sqlite", "files", "none"]


@dataclass
class CronSnapshot:
    """Every cron job of one store, where it came from, and whether it is whole."""

    source: CronSource
    detail: str
    jobs: list[CronJobRecord] = field(default_factory=list)
    complete: bool = True
    skipped_job_ids: list[str] = field(default_factory=list)
    cli_error: str | None = None
    seen_ids: set[str] = field(default_factory=set, repr=False)

    def add(
        self,
        record: CronJobRecord | None,
        raw: Any,
        problems: ProblemLog | None = None,
        where: Path | None = None,
        row: str | None = None,
    ) -> None:
        """Add one job read from the store: None (unreadable) makes the snapshot incomplete, a
        repeated id is reported and skipped."""
        if record is None:
            self.complete = False
            job_id = raw.get("id") if isinstance(raw, dict) else None
            self.skipped_job_ids += [job_id] if isinstance(job_id, str) and job_id else []
        elif record.job_id in self.seen_ids:
            # One row per job id downstream: a second job with the same id would fail the whole write.
            # The first copy stands for the job, so no job is missing and the snapshot stays complete.
            if problems is not None and where is not None:
                message = f"cron job {record.job_id} appears again; this copy skipped"
                problems.add(where, message, row=row or record.job_id)
        else:
            self.jobs.append(record)
            self.seen_ids.add(record.job_id)
