"""Dagster resources: the warehouse file, the raw dumps, each stage's settings, and parallelism.

Every setting reaches the code through one of these (environment variables as
``dg.EnvVar``, see ``settings.py``); relative paths are taken from the repository root.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.entities.models import EntityConfig, pipeline_map
from pipelines.ingest.config import SplitConfig
from pipelines.ingest.load import DumpFile, discover_dumps
from pipelines.orchestration.settings import repo_path, snapshot_path, warehouse_spec
from pipelines.runtime.executor import Parallelism
from pipelines.text.document import TextConfig
from pipelines.text.language import LanguageConfig
from pipelines.warehouse.backend import FileWarehouse, Warehouse, parse_warehouse
from pipelines.warehouse.connection import DEFAULT_MEMORY_LIMIT, WarehouseError
from pipelines.warehouse.schema import ensure_schema

# Lakes whose schema this process found current (checked once per process: ~30 ms a connection).
_CURRENT_SCHEMA: set[tuple[object, int]] = set()


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse: a DuckDB file (connections retry while another process holds the lock) or a
    DuckLake (``ducklake:postgres:<conninfo>``, data files under ``lake_data``)."""

    path: str
    lake_data: str = ""  # a lake's data path (directory or s3://bucket/prefix/); unused for a file
    snapshot_path: str = ""  # a file's published copy; "" = corpus.snapshot.duckdb beside `path`
    lock_attempts: int = 8
    memory_limit: str = DEFAULT_MEMORY_LIMIT  # DuckDB's memory_limit: bounds a load's memory

    def backend(self) -> Warehouse:
        return parse_warehouse(warehouse_spec(self.path), self.lake_data or None)

    def file(self) -> Path:
        backend = self.backend()
        if not isinstance(backend, FileWarehouse):
            raise WarehouseError(f"{backend.label()} is a lake, not a file")
        return backend.path

    def snapshot(self) -> Path:
        return snapshot_path(self.snapshot_path, self.file())

    @contextmanager
    def lease(self, key: str) -> Iterator[None]:
        """Exclusive right to write one dump's rows (a lake's advisory lock; a file's own lock suffices)."""
        with self.backend().lease(key, attempts=self.lock_attempts):
            yield

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to a warehouse whose schema is current. A stale file is migrated
        first; a stale lake (shared by many writers) is refused until `python -m pipelines migrate`."""
        backend = self.backend()
        with backend.connect(attempts=self.lock_attempts, memory_limit=self.memory_limit) as con:
            if (backend, os.getpid()) not in _CURRENT_SCHEMA:
                ensure_schema(con, migrate_if_stale=not backend.shared, name=backend.label())
                if backend.shared:  # a lake is migrated once, before the runs; a file may be replaced meanwhile
                    _CURRENT_SCHEMA.add((backend, os.getpid()))
            yield con


class RawDumpsResource(dg.ConfigurableResource):
    """The directory of raw dumps and how to split them."""

    raw_dir: str
    marker_regex: str | None = None
    max_document_bytes: int = SplitConfig.max_document_bytes

    def directory(self) -> Path:
        return Path(repo_path(self.raw_dir))

    def split_config(self) -> SplitConfig:
        return SplitConfig(marker_regex=self.marker_regex or None, max_document_bytes=self.max_document_bytes)

    def dump(self, partition_key: str) -> DumpFile:
        """The dump a partition key names (a path relative to ``raw_dir``, checked to stay inside)."""
        dump = DumpFile(self.directory(), partition_key)
        dump.path  # noqa: B018 - raises if the key escapes raw_dir
        return dump

    def discover(self) -> list[str]:
        return discover_dumps(self.directory())


class TextStageResource(dg.ConfigurableResource):
    """Settings of the text stage: language thresholds, boilerplate repetition, check thresholds."""

    min_letters: int = 20
    min_probability: float = 0.80
    multilingual_min_share: float = 0.20
    max_und_share: float = 0.25  # asset check: warn above this share of 'und' documents
    max_untitled_share: float = 0.5  # asset check: warn above this share of documents without a title
    min_repeat_documents: int = 3
    repeat_share: float = 0.02

    def config(self) -> TextConfig:
        language = LanguageConfig(
            min_letters=self.min_letters,
            min_probability=self.min_probability,
            multilingual_min_share=self.multilingual_min_share,
        )
        return TextConfig(
            language=language, min_repeat_documents=self.min_repeat_documents, repeat_share=self.repeat_share
        )


class EntityResource(dg.ConfigurableResource):
    """Settings of the entity stage: which spaCy pipeline serves which language.

    Every installed spaCy pipeline with an ``ner`` component serves its language (``md``/``lg``
    before ``sm``, spaCy's own package names before re-uploads); ``pipelines`` overrides that map
    per language (``{"en": "en_core_web_lg"}``), and an empty name turns a language's model off.
    Languages without a pipeline get the gazetteer + rule fallback.
    """

    pipelines: dict[str, str] = {}
    batch_size: int = 64

    def config(self) -> EntityConfig:
        return EntityConfig(pipelines=pipeline_map(self.pipelines), batch_size=self.batch_size)


class ExecutorResource(dg.ConfigurableResource):
    """Worker processes for every stage: how many, and from how many documents of a dump on.

    A stage below its threshold runs in the run's own process: starting workers, each
    loading its models, costs more than it saves on a small dump.
    """

    workers: int = 0  # 0 = one per core
    # Measured with bench/bench_parallel_threshold.py (2 cores, text + entities, the pool's start included):
    # 200 documents 0.81x, 300 0.99x, 400 1.34x; once a run's pool is up (or the CLI started it early),
    # smaller dumps gain too.
    parallel_min_documents: dict[str, int] = {"text": 300, "entities": 300}

    def parallelism(self, stage: str) -> Parallelism:
        return Parallelism(workers=self.workers, min_items=self.parallel_min_documents.get(stage, 0))
