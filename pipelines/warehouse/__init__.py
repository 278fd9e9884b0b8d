"""Storage: the DuckDB warehouse every stage reads and writes.

``tables`` reads the declaration of every table (``sql/schema/tables.toml``: columns,
types, key, parent, docs), from which
``schema`` applies the DDL and ``dictionary`` writes ``sql/schema/tables.sql`` and the
data dictionary's column tables; ``connection`` (lock retry, memory limit,
transactions, Arrow inserts), ``quality`` (unique keys, orphans, offsets),
``fingerprints`` (skip unchanged work), ``snapshot`` (the analysts' published copy).
Imports nothing from the stages above it.
"""
