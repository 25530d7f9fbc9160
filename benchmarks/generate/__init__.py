"""A realistic OpenClaw state directory at a chosen scale, in both storage layouts, with known totals.

One deterministic history of model calls (agents x days x calls) is written twice:

* `sqlite/state`: the 2026.9.6 layout. `agents/<id>/agent/openclaw-agent.sqlite` with the real schema
  (`transcript_events` rows inserted in global time order, as a live Gateway appends them;
  `session_windows`, `session_nodes`, `trajectory_runtime_events`); deleted sessions leave their rows
  for a zstd BLOB in `session_transcript_archives` plus the published
  `sessions/<sid>.jsonl.deleted.<ISO>.<hash>.zst` file, both copies of the same calls.
* `jsonl/state`: the 2026.5.28 file layout. `agents/<id>/sessions/<sid>.jsonl` (live), superseded
  sessions as `<sid>.jsonl.reset.<ISO>`, deleted ones as `<sid>.jsonl.deleted.<ISO>`, a
  `<sid>.trajectory.jsonl` (+ `.trajectory-path.json`) beside every session (never to be counted: it
  repeats the usage), `sessions.json`, `cron/jobs.json` and `cron/runs/<jobId>.jsonl`.

Every line is a real OpenClaw line with new values (see `templates`). Every file gets the mtime of its
last line (archives: of their deletion), every SQLite window the times the Gateway stamps. The history:
per agent and day, a main session reset daily at 04:00 UTC (so it runs past midnight), 1-4 topic
sessions, cron runs (every 6 h, plus a daily digest with a tool round trip), and one long-lived thread
that spans the whole period; tool round trips, provider errors (zero usage, not calls) and model
switches. `manifest.json` holds the totals the generator wrote, per agent and day.

`only_day` writes the same history restricted to one day's lines (headers kept): "that day alone".
The workspace (`workspace/`, `files` regular files within 3 levels plus deeper ones not to be
indexed) is the configured workspace of the first agent in both layouts.

Modules, in the order the data flow: `scale` (how much), `plan` (which sessions, when), `session`
(their lines: `usage`, `trajectory`, `filler`), `sqlite_layout` and `jsonl_layout` (writing them, with
`sqlite_events`, `sqlite_store`, `sqlite_archive`, `cron`, `config`), `workspaces`, `manifest`, and
`history`, which runs it all. `python -m benchmarks.generate OUT` writes one from the shell.
"""

from benchmarks.generate.history import generate
from benchmarks.generate.manifest import Manifest
from benchmarks.generate.scale import SCALES, Scale, scale_key

__all__ = ["SCALES", "Manifest", "Scale", "generate", "scale_key"]
