"""Readers of OpenClaw's state directory: plain Python, no Dagster.

Every reader reports what it could not read as a `Problem` (file and line or row) and goes on with
the rest, so one bad line never loses the good ones.
"""
