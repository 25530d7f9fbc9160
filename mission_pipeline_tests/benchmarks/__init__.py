"""Tests of the benchmark: its generator is read back exactly by the real readers."""
