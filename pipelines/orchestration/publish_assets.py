"""Dagster asset that publishes the analysts' read-only snapshot of the warehouse."""

import dagster as dg

from pipelines.orchestration.partitions import WAREHOUSE_POOL
from pipelines.orchestration.resources import WarehouseResource
from pipelines.warehouse.snapshot import publish_snapshot

# Everything the snapshot copies: it is published once they are all up to date.
PUBLISHED_TABLES = [
    "documents", "paragraphs", "document_languages", "document_metadata", "hashtags", "photo_credits",
    "quotes", "amounts", "dates_mentioned", "entity_mentions", "entities", "entity_aliases",
]


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
        size = publish_snapshot(con, warehouse.path, snapshot)
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
