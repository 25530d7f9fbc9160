"""Tests of the OpenClaw token-usage readers."""
