"""Repeatable measurements of the facade against the REST API it wraps.

Run `python -m benchmarks [--scale N] [--quick] [--out FILE.json]`; not a test
suite, so CI never runs it.
"""
