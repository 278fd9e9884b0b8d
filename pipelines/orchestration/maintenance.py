"""Lake maintenance as a Dagster job: compact data files, expire old snapshots, delete unreferenced files.

One run at a time: the job's tag is limited to 1 in the lake deployments' dagster.yaml, and the work
holds the lake's maintenance lease, so a CLI ``python -m pipelines maintain`` elsewhere waits too. On a
DuckDB file there is nothing to maintain: the run says so and succeeds.
"""

import dagster as dg

from pipelines.orchestration.resources import WarehouseResource
from pipelines.warehouse.backend import LakeWarehouse

MAINTENANCE_RUN_TAG = {"corpus": "maintenance"}


class MaintenanceConfig(dg.Config):
    keep_days: int = 7  # snapshots younger than this (and the last published one) stay readable


@dg.op(description="Merge small data files, expire snapshots older than keep_days (never the published one), "
       "delete files nothing references any more.")
def maintain_lake_op(context: dg.OpExecutionContext, config: MaintenanceConfig,
                     warehouse: WarehouseResource) -> dict:
    backend = warehouse.backend()
    if not isinstance(backend, LakeWarehouse):
        context.log.info(f"{backend.label()} is a DuckDB file: nothing to maintain")
        return {}
    with warehouse.connection() as con:
        report = backend.maintain_exclusively(con, keep_days=config.keep_days, attempts=warehouse.lock_attempts)
    context.log.info(f"{backend.label()}: " + ", ".join(f"{key} {value}" for key, value in report.items()))
    context.add_output_metadata({key: dg.MetadataValue.int(value) for key, value in report.items()})
    return report


@dg.job(tags=MAINTENANCE_RUN_TAG, description="Compact and clean a DuckLake warehouse (no-op on a DuckDB file).")
def lake_maintenance_job() -> None:
    maintain_lake_op()


weekly_lake_maintenance = dg.ScheduleDefinition(
    name="weekly_lake_maintenance",
    job=lake_maintenance_job,
    cron_schedule="0 4 * * 0",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Sunday 04:00: lake maintenance. Turn it on for a lake deployment.",
)
