"""Running one per-dump stage for the partitions an asset materializes, with progress in the run's log."""

from __future__ import annotations

import dagster as dg
import duckdb

from pipelines.orchestration.resources import ExecutorResource, WarehouseResource
from pipelines.runtime.ids import stable_id
from pipelines.runtime.progress import finished, report
from pipelines.runtime.stage import Stage
from pipelines.warehouse.connection import retry_conflicts


def partition_dump_ids(context: dg.AssetExecutionContext) -> list[str]:
    """The dump ids of the partitions (one dump, or a batch of them) the run materializes."""
    return [stable_id(key) for key in context.partition_keys]


def load_partitions(
    context: dg.AssetExecutionContext,
    con: duckdb.DuckDBPyConnection,
    warehouse: WarehouseResource,
    stage: Stage,
    config: object,
    executor: ExecutorResource,
    message: str,
) -> tuple[object, list[bool]]:
    """``stage.refresh`` for each of the run's dumps in turn (each its own transaction), holding its lease,
    retried after a lake's commit conflict; then one summary of them all, and which were skipped as unchanged.
    ``message`` ("{done} / {total} …") is logged after each batch of documents when the run is one dump's (a
    run of several holds small dumps only, done at once: their lines would only bury the rest of its log)."""
    keys = context.partition_keys
    log = context.log if len(keys) == 1 else None
    skipped = [not _refresh(log, con, warehouse, stage, config, executor, message, key) for key in keys]
    return stage.summarize(con, partition_dump_ids(context), skipped=all(skipped)), skipped


def _refresh(log: dg.DagsterLogManager | None, con: duckdb.DuckDBPyConnection, warehouse: WarehouseResource,
             stage: Stage, config: object, executor: ExecutorResource, message: str, key: str) -> bool:
    def progress(done: int, total: int) -> None:
        if log is not None:
            log.info(f"{key}: " + message.format(done=f"{done:,}", total=f"{total:,}"))
        report(key, stage.name, done, total)

    with warehouse.lease(key):
        recomputed = retry_conflicts(
            lambda: stage.refresh(con, stable_id(key), config, parallelism=executor.parallelism(stage.name),
                                  progress=progress),
            what=f"{key}: {stage.name} stage",
        )
    finished(key, stage.name)
    return recomputed
