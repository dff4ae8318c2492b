"""Benchmarks (`make bench`): performance targets live here, never in unit tests."""
