"""Delimited text dumps -> DuckDB warehouse.

Imports run downward only (a test checks it):
``definitions``/``cli`` -> ``orchestration`` -> ``pipeline`` -> ``entities`` -> ``extract``
-> ``text`` -> ``ingest`` -> ``runtime`` -> ``warehouse``.
"""
