"""OpenClaw's cron jobs and their run history: where the store is, how to read it, when it changed."""
