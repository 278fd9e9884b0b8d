"""One way to run a stage's batches: in this process, or spread over worker processes.

Every stage calls :func:`map_batches`; whether its work runs in-process or in the pool of
worker processes is one setting (:class:`Parallelism`), and results always come back in
input order, so a stage's output never depends on the number of workers or on how batches
are cut into tasks.

The pool is persistent: one per process and worker count, started on first use and kept
until the process ends, so every stage and every partition of a run share the same
workers. Workers are forked from a *forkserver*: a clean, single-threaded process (never
the run's own, which runs DuckDB and Dagster threads) that first imports the modules
named by :func:`preload_in_workers` — the pipeline's models, loaded once there and shared
copy-on-write by every worker instead of loaded again by each.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import forkserver
from multiprocessing.context import BaseContext
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")

_PRELOAD: list[str] = []
_POOLS: dict[int, ProcessPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()


@dataclass(frozen=True)
class Parallelism:
    """How many worker processes a stage may use, and from how many items on.

    ``workers`` 0 means one per core. Below ``min_items`` the work stays in-process: for a
    handful of documents, handing them to workers costs more than it saves.
    """

    workers: int = 1
    min_items: int = 0

    def worker_count(self) -> int:
        return self.workers or os.cpu_count() or 1

    def workers_for(self, n_items: int) -> int:
        workers = self.worker_count()
        return workers if workers > 1 and n_items >= self.min_items else 1


IN_PROCESS = Parallelism(workers=1)


def preload_in_workers(modules: Sequence[str]) -> None:
    """Modules the forkserver imports before it forks any worker (e.g. one that loads the models).

    Takes effect for a forkserver not started yet; an import that fails there is skipped (the
    workers then load what they need themselves)."""
    for module in modules:
        if module not in _PRELOAD:
            _PRELOAD.append(module)


def worker_context() -> BaseContext:
    """The start method of worker processes: a forkserver with the preloaded modules where the
    platform has one, else ``spawn`` (never a plain fork of a process that runs threads)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(_PRELOAD))
        return context
    return multiprocessing.get_context("spawn")


def shared_pool(workers: int) -> ProcessPoolExecutor:
    """This process's pool of ``workers`` worker processes, started on first use."""
    with _POOLS_LOCK:
        pool = _POOLS.get(workers)
        if pool is None:
            pool = _POOLS[workers] = ProcessPoolExecutor(max_workers=workers, mp_context=worker_context())
        return pool


def start_workers(parallelism: Parallelism) -> None:
    """Start the pool now, in a background thread, so that its workers get ready while this process
    does other work (starting a run, splitting a dump, reading the text stage's context) rather than
    when the first batch is handed out: starting the first worker waits seconds for the forkserver
    to load the models."""
    workers = parallelism.worker_count()
    if workers > 1:
        pool = shared_pool(workers)
        threading.Thread(target=_start, args=(pool, workers), name="start-workers", daemon=True).start()


def _start(pool: ProcessPoolExecutor, workers: int) -> None:
    try:
        for _ in range(workers):  # each task starts a worker; the answers are not needed
            pool.submit(os.getpid)
    except RuntimeError:  # the pool was shut down meanwhile (the run ended): nothing to start
        pass


def shutdown_pools() -> None:
    """Stop every pool of this process (also done when it exits)."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)
    stop_forkserver()


def stop_forkserver() -> None:
    """Stop this process's forkserver, if it started one, once its workers are done with.

    Waiting for it rather than leaving it to exit on its own leaves no orphan process, and counts its
    CPU time (and its workers') as this process's children's, as ``time`` shows it."""
    server = getattr(forkserver, "_forkserver", None)
    if server is not None and getattr(server, "_forkserver_pid", None) is not None:
        server._stop()


atexit.register(shutdown_pools)


def _discard(workers: int, pool: ProcessPoolExecutor) -> None:
    """A pool whose worker died is broken for good: the next batch gets a new one."""
    with _POOLS_LOCK:
        if _POOLS.get(workers) is pool:
            del _POOLS[workers]
    pool.shutdown(wait=False, cancel_futures=True)


def map_batches(
    fn: Callable[[list[T]], list[U]],
    batches: Iterable[list[T]],
    *,
    n_items: int,
    parallelism: Parallelism = IN_PROCESS,
    chunk_size: int | None = None,
) -> Iterator[list[U]]:
    """``fn(batch)`` for each batch, in order.

    With workers, each batch is cut into tasks of ``chunk_size`` items (default: one task per
    worker) and the tasks' results are joined back in order. ``fn`` must be picklable (a
    module-level function, or a partial of one); it loads what it needs through per-process
    caches, which the forkserver's preload has usually filled already.
    """
    workers = parallelism.workers_for(n_items)
    if workers == 1:
        for batch in batches:
            yield fn(batch)
        return
    pool = shared_pool(workers)
    try:
        for batch in batches:
            size = chunk_size or max(-(-len(batch) // workers), 1)
            chunks = [batch[i : i + size] for i in range(0, len(batch), size)]
            results: list[U] = []
            for part in pool.map(fn, chunks):
                results += part
            yield results
    except BrokenProcessPool:
        _discard(workers, pool)
        raise
