"""Benchmarks of ``aasref validate`` against the peer stack (run: ``python -m benchmarks.run``)."""
