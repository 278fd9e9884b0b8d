"""Where the pipeline reads and writes, from environment variables with repo defaults.

``CORPUS_RAW_DIR`` (default ``data/raw``), ``CORPUS_WAREHOUSE`` (default
``data/warehouse/corpus.duckdb``), ``CORPUS_MARKER_REGEX`` (optional user dialect),
``CORPUS_MAX_DOCUMENT_BYTES``, ``CORPUS_DUCKDB_MEMORY_LIMIT`` (default 512MB),
``CORPUS_SNAPSHOT`` (default: ``corpus.snapshot.duckdb`` next to the warehouse).
Relative paths are taken from the repository root, so ``dagster dev`` and the CLI agree wherever they are started from.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RAW_DIR = "data/raw"
DEFAULT_WAREHOUSE = "data/warehouse/corpus.duckdb"


def repo_path(value: str | os.PathLike) -> str:
    path = Path(value)
    return str(path if path.is_absolute() else REPO_ROOT / path)


def raw_dir_from_env() -> str:
    return repo_path(os.environ.get("CORPUS_RAW_DIR", DEFAULT_RAW_DIR))


def warehouse_from_env() -> str:
    return repo_path(os.environ.get("CORPUS_WAREHOUSE", DEFAULT_WAREHOUSE))


def marker_regex_from_env() -> str | None:
    return os.environ.get("CORPUS_MARKER_REGEX") or None


def snapshot_from_env(warehouse: str) -> str:
    """``CORPUS_SNAPSHOT``, else ``<warehouse stem>.snapshot.duckdb`` next to the warehouse."""
    from pipelines.warehouse.snapshot import default_snapshot_path

    value = os.environ.get("CORPUS_SNAPSHOT")
    return repo_path(value) if value else str(default_snapshot_path(warehouse))


def duckdb_memory_limit_from_env() -> str:
    from pipelines.warehouse.connect import DEFAULT_MEMORY_LIMIT

    return os.environ.get("CORPUS_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT)


def max_document_bytes_from_env() -> int:
    return int(os.environ.get("CORPUS_MAX_DOCUMENT_BYTES", 16 * 1024 * 1024))
