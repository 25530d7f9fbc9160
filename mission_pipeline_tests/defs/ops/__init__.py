"""Tests of the ops domain's Dagster wiring."""
