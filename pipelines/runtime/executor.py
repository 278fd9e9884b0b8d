"""One way to run a stage's batches: in this process, or spread over worker processes.

Every stage calls :func:`map_batches`; whether its work runs in-process or in a pool
of ``spawn``-ed workers is one setting (:class:`Parallelism`), and results always
come back in input order, so a stage's output never depends on the number of
workers or on how batches are cut into tasks.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Parallelism:
    """How many worker processes a stage may use, and from how many items on.

    ``workers`` 0 means one per core. Below ``min_items`` the work stays in-process:
    starting workers (each loads its models) would cost more than it saves.
    """

    workers: int = 1
    min_items: int = 0

    def worker_count(self) -> int:
        return self.workers or os.cpu_count() or 1

    def workers_for(self, n_items: int) -> int:
        workers = self.worker_count()
        return workers if workers > 1 and n_items >= self.min_items else 1


IN_PROCESS = Parallelism(workers=1)


def map_batches(
    fn: Callable[[list[T]], list[U]],
    batches: Iterable[list[T]],
    *,
    n_items: int,
    parallelism: Parallelism = IN_PROCESS,
    chunk_size: int | None = None,
    initializer: Callable[[], None] | None = None,
) -> Iterator[list[U]]:
    """``fn(batch)`` for each batch, in order.

    With workers, each batch is cut into tasks of ``chunk_size`` items (default: one
    task per worker) and the tasks' results are joined back in order. ``fn`` and
    ``initializer`` must be picklable (module-level functions, or partials of them);
    ``initializer`` runs once per worker, e.g. to load models.
    """
    workers = parallelism.workers_for(n_items)
    if workers == 1:
        for batch in batches:
            yield fn(batch)
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process that runs threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=initializer) as pool:
        for batch in batches:
            size = chunk_size or max(-(-len(batch) // workers), 1)
            chunks = [batch[i : i + size] for i in range(0, len(batch), size)]
            results: list[U] = []
            for part in pool.map(fn, chunks):
                results += part
            yield results
