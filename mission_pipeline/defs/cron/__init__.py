"""OpenClaw cron jobs and their run history."""
