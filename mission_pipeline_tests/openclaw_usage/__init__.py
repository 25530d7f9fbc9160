"""Tests of the OpenClaw token-usage and session readers."""
