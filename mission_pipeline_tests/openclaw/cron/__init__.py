"""Tests of the cron store readers."""
