"""Benchmarks of ``kpi-xl refresh`` (see benchmarks/README.md)."""
