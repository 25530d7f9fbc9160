"""Tests of the usage domain's Dagster wiring."""
