"""Tests of the OpenClaw state readers: agents, workspaces, config, sessions, cron, usage."""
