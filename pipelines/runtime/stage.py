"""A per-dump stage: its steps run over one dump's documents, its tables replaced in one transaction.

Every stage after ingest works the same way, so it is written once here:

1. skip the dump when its fingerprint (upstream output + stage version + settings) is unchanged;
2. build the context the steps share for this dump (e.g. boilerplate counted over it);
3. in one transaction: delete the dump's rows of the stage's tables, read its documents in
   batches, run the steps on each (in-process or in worker processes, by ``Parallelism``),
   insert the rows as Arrow batches, and record the fingerprint.

A failure anywhere rolls back: the previous rows stay.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any, ClassVar, Generic, TypeVar

import duckdb

from pipelines.runtime.executor import IN_PROCESS, Parallelism, map_batches, start_workers
from pipelines.runtime.steps import Record, Step, merge_rows, run_steps, tables_of
from pipelines.warehouse import fingerprints
from pipelines.warehouse.connection import delete_dump_rows, insert_rows, transaction

# Rows buffered before they are written: a few large Arrow inserts instead of one per batch per table (a
# lake writes a data file and a catalog entry per insert), while memory stays bounded on a large dump.
FLUSH_ROWS = 50_000

R = TypeVar("R", bound=Record)
C = TypeVar("C")  # what the steps share for one dump
S = TypeVar("S")  # the stage's settings
Result = TypeVar("Result")
Progress = Callable[[int, int], None]


class Stage(ABC, Generic[R, C, S, Result]):
    """One stage: a name, a version (bump it when the same input gives other output), the
    stage it reads from, and its steps in order."""

    name: ClassVar[str]
    version: ClassVar[str]
    upstream: ClassVar[str]
    chunk_size: ClassVar[int | None] = None  # documents per worker task; None: a batch split over the workers

    def __init__(self, steps: Sequence[Step[R, C]]) -> None:
        self.steps = tuple(steps)

    @property
    def tables(self) -> list[str]:
        return tables_of(self.steps)

    @abstractmethod
    def settings(self, config: S) -> str:
        """The settings that change the output, as text (part of the fingerprint)."""

    @abstractmethod
    def context(self, con: duckdb.DuckDBPyConnection, dump_id: str, config: S, n_documents: int) -> C:
        """What every step sees for this dump."""

    @abstractmethod
    def read(self, con: duckdb.DuckDBPyConnection, dump_id: str) -> Iterator[list[R]]:
        """The dump's documents as records, in batches, in document order."""

    @abstractmethod
    def summarize(self, con: duckdb.DuckDBPyConnection, dump_ids: Sequence[str], *, skipped: bool) -> Result:
        """What the stage's rows of these dumps hold together, for logs and asset metadata."""

    def warm_up(self) -> None:
        """Load what the steps need with the default settings (models, tables) into this process's caches:
        done once in the workers' forkserver, so that every worker starts with them."""

    def analyze(self, records: list[R], context: C) -> dict[str, list[dict]]:
        """Rows of every table of the stage for some records, in-process (for tests and evaluations)."""
        return merge_rows(run_steps(self.steps, context, records), self.tables)

    def load(self, con: duckdb.DuckDBPyConnection, dump_id: str, config: S, **options: Any) -> Result:
        """``refresh`` (``options``: its keywords) for one dump, then what the stage's rows of it hold."""
        skipped = not self.refresh(con, dump_id, config, **options)
        return self.summarize(con, [dump_id], skipped=skipped)

    def refresh(
        self,
        con: duckdb.DuckDBPyConnection,
        dump_id: str,
        config: S,
        *,
        parallelism: Parallelism = IN_PROCESS,
        force: bool = False,
        progress: Progress | None = None,
    ) -> bool:
        """Recompute this stage's tables for one dump, unless its input and settings are unchanged: whether its
        rows were recomputed (a run over many small dumps then summarizes them once)."""
        fingerprint = fingerprints.stage_fingerprint(
            con, dump_id, upstream=self.upstream, version=self.version, settings=self.settings(config)
        )
        before = fingerprints.stored(con, dump_id, self.name)
        if not force and before == fingerprint:
            return False
        total = con.execute("SELECT count(*) FROM documents WHERE dump_id = ?", [dump_id]).fetchone()[0]
        if parallelism.workers_for(total) > 1:
            start_workers(parallelism)  # they get ready while the context is built
        context = self.context(con, dump_id, config, total)
        with transaction(con):
            if before is not None:  # else there is nothing to replace: rows are written with their fingerprint
                delete_dump_rows(con, self.tables, dump_id)
            done = 0
            pending: dict[str, list[dict]] = {table: [] for table in self.tables}
            for per_record in map_batches(
                partial(run_steps, self.steps, context), self.read(con, dump_id), n_items=total,
                parallelism=parallelism, chunk_size=self.chunk_size,
            ):
                for table, rows in merge_rows(per_record, self.tables).items():
                    pending[table].extend(rows)
                if sum(len(rows) for rows in pending.values()) >= FLUSH_ROWS:
                    _flush(con, pending)
                done += len(per_record)
                if progress is not None:
                    progress(done, total)
            _flush(con, pending)
            fingerprints.record(con, dump_id, self.name, fingerprint, replace=before is not None)
        return True


def _flush(con: duckdb.DuckDBPyConnection, pending: dict[str, list[dict]]) -> None:
    """Insert the buffered rows of every table, one Arrow batch each, and empty the buffer."""
    for table, rows in pending.items():
        if rows:
            insert_rows(con, table, rows)
            rows.clear()
