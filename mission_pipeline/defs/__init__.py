"""Dagster definitions, one folder per domain: usage, cron, workspaces, and ops (alerts, retention)."""
