"""Jobs, the sensor that turns new or changed files into partitions, and the daily schedule."""


import json
import os

import dagster as dg

from pipelines.ingest.load import resolve_inside
from pipelines.orchestration.partitions import DUMPS_PARTITIONS_NAME, dumps_partitions
from pipelines.orchestration.resources import RawDumpsResource

CORPUS_WIDE = dg.AssetSelection.assets("entities", "entity_aliases", "warehouse_snapshot")

corpus_job = dg.define_asset_job(
    name="corpus_job",
    selection=dg.AssetSelection.all() - CORPUS_WIDE,
    description="Every partitioned asset for one dump.",
)

# Runs of this job read and rewrite corpus-wide tables: the lake deployments allow one at a time
# (deploy/dagster.lake.yaml, deploy/dagster.k8s.yaml: tag_concurrency_limits), while dump runs fan out.
CORPUS_RUN_TAG = {"corpus": "rebuild"}

entities_job = dg.define_asset_job(
    name="entities_job",
    selection=CORPUS_WIDE,
    tags=CORPUS_RUN_TAG,
    description="Rebuild the corpus-wide entity tables from every dump's mentions, then publish the "
    "analysts' snapshot.",
)


def _file_states(raw_dumps: RawDumpsResource) -> dict[str, list[int]]:
    """size and mtime of every dump, the cheap signal that a file changed."""
    states = {}
    for relative in raw_dumps.discover():
        stat = os.stat(resolve_inside(raw_dumps.directory(), relative))
        states[relative] = [stat.st_size, stat.st_mtime_ns]
    return states


@dg.sensor(
    job=corpus_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Adds a partition for each new dump in the raw directory and runs it; reruns changed dumps.",
)
def raw_dumps_sensor(context: dg.SensorEvaluationContext, raw_dumps: RawDumpsResource) -> dg.SensorResult:
    raw_dir = raw_dumps.directory()
    previous: dict[str, list[int]] = json.loads(context.cursor) if context.cursor else {}
    current = _file_states(raw_dumps)
    known = set(context.instance.get_dynamic_partitions(DUMPS_PARTITIONS_NAME))
    new_keys = [key for key in current if key not in known]
    changed = [key for key, state in current.items() if previous.get(key) != state]
    if not changed and not new_keys:
        return dg.SensorResult(skip_reason=f"no new or changed dumps in {raw_dir}", cursor=context.cursor)
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(partition_key=key, run_key=f"{key}:{current[key][0]}:{current[key][1]}")
            for key in sorted(set(changed) | set(new_keys))
        ],
        dynamic_partitions_requests=[dumps_partitions.build_add_request(new_keys)] if new_keys else [],
        cursor=json.dumps(current, sort_keys=True),
    )


@dg.schedule(
    job=corpus_job,
    cron_schedule="0 3 * * *",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Daily refresh of every known dump (unchanged dumps are skipped inside the run).",
)
def daily_refresh(context: dg.ScheduleEvaluationContext):
    keys = context.instance.get_dynamic_partitions(DUMPS_PARTITIONS_NAME)
    if not keys:
        return dg.SkipReason("no dump partitions yet; the sensor adds them")
    date = context.scheduled_execution_time.strftime("%Y-%m-%d")
    return [dg.RunRequest(partition_key=key, run_key=f"{date}:{key}") for key in sorted(keys)]


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[corpus_job],
    request_job=entities_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="After a dump's run succeeds, rebuild the corpus-wide entity tables.",
)
def rebuild_entities_after_dump_runs(context: dg.RunStatusSensorContext):
    return dg.RunRequest(run_key=f"entities-after-{context.dagster_run.run_id}")
