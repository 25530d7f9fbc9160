"""Tests of the cron domain's Dagster wiring."""
