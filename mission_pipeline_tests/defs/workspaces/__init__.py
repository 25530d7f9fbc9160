"""Tests of the workspaces domain's Dagster wiring."""
