"""Benchmarks: the same tiny apps on resourceful, Flask, Falcon, APIFlask and raw WSGI.

Run ``python -m benchmarks`` (or ``python benchmarks/run.py``) from the
repository root; ``--quick`` for a fast, noisier run. See README.md.
"""
