"""Tests of where transcripts are and when they changed."""
