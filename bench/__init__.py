"""Benchmarks run by ``make bench``; results are appended to docs/benchmarks.md."""
