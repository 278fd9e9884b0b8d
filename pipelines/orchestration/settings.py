"""Every environment variable the pipeline reads, its default, and how it reaches the code.

Dagster code gets them only through resources, as ``dg.EnvVar`` (resolved by Dagster
when a run, sensor or schedule starts, and shown as such in the UI): see
``pipelines.definitions.build_resources``. The CLI reads them at once with
``Setting.resolve`` (``materialize`` builds its resources with ``resolve_now=True``;
``sql`` and ``export`` start no Dagster run).
Relative paths are taken from the repository root, so ``dagster dev`` and the CLI
agree wherever they are started from.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.ingest.config import SplitConfig
from pipelines.warehouse.connection import DEFAULT_MEMORY_LIMIT
from pipelines.warehouse.snapshot import default_snapshot_path

if TYPE_CHECKING:
    import dagster as dg

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Setting:
    """One environment variable and its default. Set but empty means the default, except
    where ``empty`` is a meaning of its own (an empty memory limit: DuckDB's own default)."""

    env: str
    default: str | None
    integer: bool = False
    empty: str | None = None

    def value(self) -> str | int | dg.EnvVar | None:
        """For a resource field: the environment variable when it is set, else the default."""
        raw = os.environ.get(self.env)
        if raw == "" and self.empty is not None:
            return self.empty
        if raw:
            import dagster as dg  # here, not at the top: the CLI reads settings before it needs Dagster

            return dg.EnvVar.int(self.env) if self.integer else dg.EnvVar(self.env)
        return int(self.default) if self.integer and self.default is not None else self.default

    def resolve(self) -> str | int | None:
        """The value now, for entry points that use it outside a Dagster run (the CLI)."""
        raw = os.environ.get(self.env)
        if raw == "" and self.empty is not None:
            return self.empty
        value = raw or self.default
        return int(value) if self.integer and value is not None else value


RAW_DIR = Setting("CORPUS_RAW_DIR", "data/raw")
WAREHOUSE = Setting("CORPUS_WAREHOUSE", "data/warehouse/corpus.duckdb")
LAKE_DATA = Setting("CORPUS_LAKE_DATA", "")  # a lake's data files: a directory or s3://bucket/prefix/
SNAPSHOT = Setting("CORPUS_SNAPSHOT", "")  # "": corpus.snapshot.duckdb beside the warehouse
MARKER_REGEX = Setting("CORPUS_MARKER_REGEX", None)
MAX_DOCUMENT_BYTES = Setting("CORPUS_MAX_DOCUMENT_BYTES", str(SplitConfig.max_document_bytes), integer=True)
# Connection attempts, with backoff from 0.5 s doubling to 30 s, while a file is locked or a lake's catalog is
# unreachable or locked: 8 is about a minute in all.
CONNECT_ATTEMPTS = Setting("CORPUS_CONNECT_ATTEMPTS", "8", integer=True)
DUCKDB_MEMORY_LIMIT = Setting("CORPUS_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT, empty="")  # "": no limit


def repo_path(value: str | os.PathLike) -> str:
    path = Path(value)
    return str(path if path.is_absolute() else REPO_ROOT / path)


def snapshot_path(configured: str | None, warehouse_file: Path) -> Path:
    """Where a file warehouse's snapshot is published: the configured path, else beside the warehouse."""
    return Path(repo_path(configured)) if configured else default_snapshot_path(warehouse_file)


def warehouse_spec(value: str) -> str:
    """A file warehouse's path from the repository root; a lake (``ducklake:…``) as given."""
    return value if str(value).startswith("ducklake:") else repo_path(value)
