"""Dagster asset that publishes the analysts' read-only snapshot of the warehouse."""

import dagster as dg

from pipelines.orchestration.partitions import WAREHOUSE_POOL
from pipelines.orchestration.resources import WarehouseResource
from pipelines.warehouse.backend import LakeWarehouse
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
    description="What analysts read. A file warehouse: a consistent copy (`corpus.snapshot.duckdb` by default) "
    "replaced atomically after each run, so an open session never blocks a run and a run never breaks a session. "
    "A lake: the snapshot id recorded in `published_snapshots`, which readers attach at.",
)
def warehouse_snapshot(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    backend = warehouse.backend()
    with warehouse.connection() as con:
        if isinstance(backend, LakeWarehouse):
            snapshot_id = backend.publish(con)  # analysts attach the lake at this snapshot
            where, size = f"{backend.label()} at snapshot {snapshot_id}", None
        else:
            where = str(warehouse.snapshot())
            size = publish_snapshot(con, warehouse.file(), warehouse.snapshot())
        counts = con.execute(
            "SELECT (SELECT count(*) FROM dumps), (SELECT count(*) FROM documents), (SELECT count(*) FROM entities)"
        ).fetchone()
    context.log.info(f"published {where}" + (f" ({size:,} bytes)" if size is not None else ""))
    metadata = {
        "published": dg.MetadataValue.text(where),
        "dumps": dg.MetadataValue.int(counts[0]),
        "documents": dg.MetadataValue.int(counts[1]),
        "entities": dg.MetadataValue.int(counts[2]),
    }
    if size is not None:
        metadata |= {"path": dg.MetadataValue.path(where), "bytes": dg.MetadataValue.int(size)}
    return dg.MaterializeResult(metadata=metadata)
