"""Ingest: a raw dump file in, rows of ``dumps``, ``documents`` and ``rejects`` out.

``dialects`` (marker patterns and each producer's framing), ``detect`` (which dialect a dump
is in, on evidence) and ``encoding`` (per-dump detection) serve ``splitter``,
which streams a dump into documents and rejects with byte and line spans; ``load``
replaces one dump's rows in one transaction, verified before commit; ``dumpwriter``
writes dumps (for tests and benchmarks); ``config`` holds the split settings.
"""
