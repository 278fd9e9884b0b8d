"""Running one per-dump stage for the partition an asset materializes, with progress in the run's log."""

from __future__ import annotations

import dagster as dg
import duckdb

from pipelines.orchestration.resources import ExecutorResource
from pipelines.runtime.ids import stable_id
from pipelines.runtime.stage import Stage


def load_partition(
    context: dg.AssetExecutionContext,
    con: duckdb.DuckDBPyConnection,
    stage: Stage,
    config: object,
    executor: ExecutorResource,
    message: str,
):
    """``stage.load`` for the partition's dump; ``message`` ("{done} / {total} …") is logged after each batch."""

    def progress(done: int, total: int) -> None:
        context.log.info(f"{context.partition_key}: " + message.format(done=f"{done:,}", total=f"{total:,}"))

    return stage.load(
        con, stable_id(context.partition_key), config, parallelism=executor.parallelism(stage.name), progress=progress
    )
