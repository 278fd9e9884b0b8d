"""Fault injection for tests/lake/test_lake.py, in every process a test's command starts (``--jobs``
workers included): with ``CORPUS_TEST_FAIL_DUMP=<file name>`` on PYTHONPATH's ``sitecustomize``, loading
that dump fails as a full disk would. Never on the project's own path."""

import os

if failing := os.environ.get("CORPUS_TEST_FAIL_DUMP"):
    from pipelines.ingest import load

    _split_dump = load.split_dump

    def split_dump(path, config):
        if path.name == failing:
            raise OSError(28, "No space left on device (injected by the test)")
        return _split_dump(path, config)

    load.split_dump = split_dump
