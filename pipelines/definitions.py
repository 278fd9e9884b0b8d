"""The Dagster code location: every asset, check, job, sensor, schedule and resource."""

import dagster as dg

from pipelines.orchestration.automation import (
    corpus_job,
    daily_refresh,
    entities_job,
    raw_dumps_sensor,
    rebuild_entities_after_dump_runs,
)
from pipelines.orchestration.entity_assets import corpus_entities, entity_mentions
from pipelines.orchestration.ingest_assets import documents
from pipelines.orchestration.publish_assets import warehouse_snapshot
from pipelines.orchestration.resources import (
    EntityResource,
    RawDumpsResource,
    TextStageResource,
    WarehouseResource,
)
from pipelines.orchestration.settings import (
    duckdb_memory_limit_from_env,
    marker_regex_from_env,
    max_document_bytes_from_env,
    raw_dir_from_env,
    snapshot_from_env,
    warehouse_from_env,
)
from pipelines.orchestration.text_assets import text_stage

PARTITIONED_ASSETS = [documents, text_stage, entity_mentions]
CORPUS_ASSETS = [corpus_entities, warehouse_snapshot]
ASSETS = PARTITIONED_ASSETS + CORPUS_ASSETS


def build_resources(
    raw_dir: str | None = None,
    warehouse: str | None = None,
    marker_regex: str | None = None,
    snapshot: str | None = None,
) -> dict[str, dg.ConfigurableResource]:
    """Resources from explicit values, falling back to the environment."""
    return {
        "warehouse": WarehouseResource(
            path=warehouse or warehouse_from_env(),
            snapshot_path=snapshot or snapshot_from_env(warehouse or warehouse_from_env()),
            memory_limit=duckdb_memory_limit_from_env(),
        ),
        "raw_dumps": RawDumpsResource(
            raw_dir=raw_dir or raw_dir_from_env(),
            marker_regex=marker_regex or marker_regex_from_env(),
            max_document_bytes=max_document_bytes_from_env(),
        ),
        "text": TextStageResource(),
        "entities": EntityResource(),
    }


defs = dg.Definitions(
    assets=ASSETS,
    jobs=[corpus_job, entities_job],
    sensors=[raw_dumps_sensor, rebuild_entities_after_dump_runs],
    schedules=[daily_refresh],
    resources=build_resources(),
)
