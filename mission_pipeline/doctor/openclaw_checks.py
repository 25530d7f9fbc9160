"""What the pipeline reads: OpenClaw's state directory, its storage era, cron store, CLI and agents."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from mission_pipeline.doctor.base import CheckBase
from mission_pipeline.doctor.findings import Finding, Status, count, worst
from mission_pipeline.settings import Settings


class OpenClawChecks(CheckBase):
    """The OpenClaw state directory: storage era, cron store, CLI, agents."""

    def openclaw(self, settings: Settings) -> list[Finding]:
        from mission_pipeline.openclaw.agents import discover_agents
        from mission_pipeline.openclaw.cli import OpenClawCliError, find_openclaw_cli
        from mission_pipeline.openclaw.config import load_config
        from mission_pipeline.openclaw.cron.jobs import read_cron_jobs
        from mission_pipeline.openclaw.cron.store import cron_jobs_path
        from mission_pipeline.openclaw.problems import ProblemLog
        from mission_pipeline.openclaw.state_check import check_state_dir
        from mission_pipeline.openclaw.state_dir import locate_state_dir

        check = check_state_dir(locate_state_dir(settings.openclaw_state_dir))
        state_dir, where = check.path, str(check.location)
        if not check.ok:
            return [
                Finding("openclaw", "fail", f"{where}: {check.reason}"),
                Finding("agents", "fail", "none: no OpenClaw state directory to read"),
            ]
        era, era_status = self._storage_era(state_dir)
        # The config's problems are the agents' finding to report; it also says where cron lives.
        problems = ProblemLog(base=state_dir)
        config = load_config(state_dir, problems=problems)
        jobs_path = cron_jobs_path(state_dir, config)
        cron_problems = ProblemLog(base=state_dir)
        cron = read_cron_jobs(state_dir, cli_command=None, problems=cron_problems, jobs_path=jobs_path)
        shown_jobs_path = (
            jobs_path.relative_to(state_dir) if jobs_path.is_relative_to(state_dir) else jobs_path
        )
        cron_kind = {
            "sqlite": "SQLite (state/openclaw.sqlite)",
            "files": f"JSON files ({shown_jobs_path.as_posix()})",
            "none": "none found",
        }[cron.source]
        cron_line = f"cron store: {cron_kind}, {len(cron.jobs)} jobs" + (
            "" if cron.complete else " (incomplete)"
        )
        try:
            command = find_openclaw_cli(settings.openclaw_cli)
            cli_status: Status = "ok"
            cli = (
                f"OpenClaw CLI: {command[0]}"
                if command
                else f"OpenClaw CLI: not used ({settings.openclaw_cli})"
            )
        except OpenClawCliError as exc:
            cli_status, cli = "fail", str(exc)
        status = worst([era_status, cli_status, "ok" if cron.complete else "warn"])
        gateway = f"gateway: {settings.openclaw_gateway_id}" + (
            "" if settings.openclaw_gateway_id == "default" else " (dashboard ids read <gateway>:<id>)"
        )
        details = (gateway, f"storage era: {era}", cron_line, *cron_problems.lines(2), cli)
        found = [Finding("openclaw", status, where, details)]

        agents = discover_agents(state_dir, config=config, problems=problems)
        names = ", ".join(a.id + (" (default)" if a.is_default else "") for a in agents)
        agent_status: Status = "ok" if agents and not problems else "warn"
        summary = f"{len(agents)}: {names or 'none'}"
        found.append(Finding("agents", agent_status, summary, tuple(problems.lines(3))))
        return found

    def _storage_era(self, state_dir: Path) -> tuple[str, Status]:
        from mission_pipeline.openclaw.transcripts.sources import list_transcript_sources

        sources = list_transcript_sources(state_dir)
        kinds = Counter(s.kind for s in sources)
        unreadable = [s.path for s in sources if s.fingerprint.startswith("unreadable")]
        counts = [
            count(kinds["sqlite"], "agent database"),
            count(kinds["jsonl"], "JSONL transcript"),
            count(kinds["archive"], "archived transcript"),
        ]
        tally = ", ".join(c for c in counts if c)
        if kinds["sqlite"] and kinds["jsonl"]:
            era = f"SQLite (OpenClaw ≥ 2026.7.2) with JSONL files from before the upgrade: {tally}"
        elif kinds["sqlite"]:
            era = f"SQLite (OpenClaw ≥ 2026.7.2): {tally}"
        elif kinds["jsonl"] or kinds["archive"]:
            era = f"JSONL files (OpenClaw ≤ 2026.7.1): {tally}"
        else:
            return "no transcripts found yet", "warn"
        if unreadable:
            return f"{era}; unreadable: {', '.join(unreadable[:3])}", "fail"
        return era, "ok"
