"""Dagster asset that publishes the analysts' read-only snapshot of the warehouse."""

import dagster as dg

from pipelines.orchestration.partitions import WAREHOUSE_POOL
from pipelines.orchestration.resources import WarehouseResource
from pipelines.warehouse.snapshot import publish_snapshot
from pipelines.warehouse.tables import TABLES

# The snapshot is published once every table asset is up to date (dumps and rejects are
# written by the `documents` asset, stage_runs is bookkeeping: they are no assets).
PUBLISHED_TABLES = [name for name, table in TABLES.items() if table.asset]


@dg.asset(
    key="warehouse_snapshot",
    deps=PUBLISHED_TABLES,
    group_name="publish",
    kinds={"duckdb"},
    owners=["team:data-engineering"],
    tags={"stage": "publish"},
    pool=WAREHOUSE_POOL,
    description="A consistent copy of the warehouse (`corpus.snapshot.duckdb` by default) that analysts open "
    "read-only: replaced atomically after each run, so an open session never blocks a run and a run never "
    "breaks a session.",
)
def warehouse_snapshot(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    snapshot = warehouse.snapshot()
    with warehouse.connection() as con:
        size = publish_snapshot(con, warehouse.file(), snapshot)
        counts = con.execute(
            "SELECT (SELECT count(*) FROM dumps), (SELECT count(*) FROM documents), (SELECT count(*) FROM entities)"
        ).fetchone()
    context.log.info(f"published {snapshot} ({size:,} bytes)")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(snapshot)),
            "bytes": dg.MetadataValue.int(size),
            "dumps": dg.MetadataValue.int(counts[0]),
            "documents": dg.MetadataValue.int(counts[1]),
            "entities": dg.MetadataValue.int(counts[2]),
        }
    )
