"""Benchmarks: a harness that runs apps under gunicorn on loopback and puts a bounded load on them."""
