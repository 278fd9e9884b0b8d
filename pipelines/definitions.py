"""The Dagster code location: every asset, check, job, sensor, schedule and resource."""

import dagster as dg

from pipelines.orchestration import settings
from pipelines.orchestration.automation import (
    corpus_job,
    daily_refresh,
    entities_job,
    raw_dumps_sensor,
    rebuild_entities_after_dump_runs,
    rerun_failed_batches_one_by_one,
)
from pipelines.orchestration.entity_assets import corpus_entities, entity_mentions
from pipelines.orchestration.ingest_assets import documents
from pipelines.orchestration.maintenance import lake_maintenance_job, weekly_lake_maintenance
from pipelines.orchestration.publish_assets import warehouse_snapshot
from pipelines.orchestration.resources import (
    EntityResource,
    ExecutorResource,
    RawDumpsResource,
    TextStageResource,
    WarehouseResource,
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
    lake_data: str | None = None,
    *,
    resolve_now: bool = False,
) -> dict[str, dg.ConfigurableResource]:
    """Resources from explicit values, falling back to the environment.

    By default an environment variable that is set becomes a ``dg.EnvVar``, which Dagster
    resolves when a run, sensor or schedule starts; ``resolve_now`` reads it at once
    instead, for entry points that use the resources' values outside a run (the CLI).
    """

    def pick(explicit: str | None, setting: settings.Setting):
        if explicit:
            return explicit
        return setting.resolve() if resolve_now else setting.value()

    return {
        "warehouse": WarehouseResource(
            path=pick(warehouse, settings.WAREHOUSE),
            lake_data=pick(lake_data, settings.LAKE_DATA),
            snapshot_path=pick(snapshot, settings.SNAPSHOT),
            memory_limit=pick(None, settings.DUCKDB_MEMORY_LIMIT),
            lock_attempts=pick(None, settings.CONNECT_ATTEMPTS),
        ),
        "raw_dumps": RawDumpsResource(
            raw_dir=pick(raw_dir, settings.RAW_DIR),
            marker_regex=pick(marker_regex, settings.MARKER_REGEX),
            max_document_bytes=pick(None, settings.MAX_DOCUMENT_BYTES),
        ),
        "text": TextStageResource(),
        "entities": EntityResource(),
        "executor": ExecutorResource(),
    }


defs = dg.Definitions(
    assets=ASSETS,
    jobs=[corpus_job, entities_job, lake_maintenance_job],
    sensors=[raw_dumps_sensor, rebuild_entities_after_dump_runs, rerun_failed_batches_one_by_one],
    schedules=[daily_refresh, weekly_lake_maintenance],
    resources=build_resources(),
)
