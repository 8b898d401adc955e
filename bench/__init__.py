"""Benchmarks of diplodash: a synthetic table generator (``bench.generate``) and the benchmark driver
(``bench.run``, ``make bench``). Nothing here is imported by the application."""
