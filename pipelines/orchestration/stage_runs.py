"""Running one per-dump stage for the partition an asset materializes, with progress in the run's log."""

from __future__ import annotations

import dagster as dg
import duckdb

from pipelines.orchestration.resources import ExecutorResource, WarehouseResource
from pipelines.runtime.ids import stable_id
from pipelines.runtime.progress import finished, report
from pipelines.runtime.stage import Stage
from pipelines.warehouse.connection import retry_conflicts


def load_partition(
    context: dg.AssetExecutionContext,
    con: duckdb.DuckDBPyConnection,
    warehouse: WarehouseResource,
    stage: Stage,
    config: object,
    executor: ExecutorResource,
    message: str,
):
    """``stage.load`` for the partition's dump, holding its lease, retried after a lake's commit conflict;
    ``message`` ("{done} / {total} …") is logged after each batch."""

    def progress(done: int, total: int) -> None:
        context.log.info(f"{context.partition_key}: " + message.format(done=f"{done:,}", total=f"{total:,}"))
        report(context.partition_key, stage.name, done, total)

    with warehouse.lease(context.partition_key):
        result = retry_conflicts(
            lambda: stage.load(con, stable_id(context.partition_key), config,
                               parallelism=executor.parallelism(stage.name), progress=progress),
            what=f"{context.partition_key}: {stage.name} stage",
        )
    finished(context.partition_key, stage.name)
    return result
