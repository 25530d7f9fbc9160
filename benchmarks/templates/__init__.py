"""Real OpenClaw lines, rows and schema, loaded from the sample state directories and made fillable.

The benchmark's generator writes nothing of its own invention where OpenClaw wrote something real: every
transcript line is a line OpenClaw wrote in one of the samples (2026.9.6 in `mission_pipeline/sample/
openclaw-state/`, 2026.5.28 in `mission_pipeline_tests/data/openclaw-samples/`), with its key order and
nesting kept byte for byte and only the values (ids, times, models, token counts, texts) replaced. The
SQLite schema is copied statement by statement from a real `openclaw-agent.sqlite`; session-store rows
and `sessions.json` entries start from real ones.

* `json_text`: JSON written as JavaScript's JSON.stringify writes it.
* `line_template`: a real line with fillable leaves, rendered by one `str.join`.
* `samples`: where the sample state directories are, and picking real lines out of them.
* `transcript_fields`, `v9_transcripts`, `v5_transcripts`: the line kinds of each version's transcripts.
* `store_rows`: real session-store rows, `sessions.json` entries, cron run lines and `openclaw.json`.
* `schema`: a new agent database with the real 2026.9.6 schema.
"""
