"""Jobs, the sensor that turns new or changed files into partitions, and the daily schedule."""


import hashlib
import json
import os

import dagster as dg

from pipelines.ingest.load import resolve_inside
from pipelines.orchestration.partitions import (
    DUMPS_PARTITIONS_NAME,
    batch_of,
    batch_partitions,
    dump_sizes,
    dumps_partitions,
    run_tags,
)
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
    description="Adds a partition for each new dump in the raw directory and runs it; reruns changed dumps. "
    "Small dumps next to each other go in one run (a failed one is then rerun one dump at a time).",
)
def raw_dumps_sensor(context: dg.SensorEvaluationContext, raw_dumps: RawDumpsResource) -> dg.SensorResult:
    raw_dir = raw_dumps.directory()
    previous: dict[str, list[int]] = json.loads(context.cursor) if context.cursor else {}
    current = _file_states(raw_dumps)
    known = context.instance.get_dynamic_partitions(DUMPS_PARTITIONS_NAME)
    new_keys = sorted(set(current) - set(known))
    changed = [key for key, state in current.items() if previous.get(key) != state]
    if not changed and not new_keys:
        return dg.SensorResult(skip_reason=f"no new or changed dumps in {raw_dir}", cursor=context.cursor)
    sizes = {key: state[0] for key, state in current.items()}
    batches = batch_partitions([*known, *new_keys], sorted(set(changed) | set(new_keys)), sizes)
    return dg.SensorResult(
        run_requests=[_run_request(batch, "|".join(f"{key}:{current[key][0]}:{current[key][1]}" for key in batch))
                      for batch in batches],
        dynamic_partitions_requests=[dumps_partitions.build_add_request(new_keys)] if new_keys else [],
        cursor=json.dumps(current, sort_keys=True),
    )


def _run_request(batch: list[str], state: str) -> dg.RunRequest:
    """One dump's run, keyed by its key, or a batch's, keyed by a hash (a run key that is unique per state)."""
    if len(batch) == 1:
        return dg.RunRequest(partition_key=batch[0], run_key=state)
    digest = hashlib.sha256(state.encode()).hexdigest()[:16]
    return dg.RunRequest(run_key=f"{len(batch)} dumps {batch[0]} .. {batch[-1]} {digest}",
                         tags=run_tags(batch))


@dg.schedule(
    job=corpus_job,
    cron_schedule="0 3 * * *",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Daily refresh of every known dump (unchanged dumps are skipped inside the run; small ones are "
    "batched as the sensor does).",
)
def daily_refresh(context: dg.ScheduleEvaluationContext, raw_dumps: RawDumpsResource):
    keys = context.instance.get_dynamic_partitions(DUMPS_PARTITIONS_NAME)
    if not keys:
        return dg.SkipReason("no dump partitions yet; the sensor adds them")
    date = context.scheduled_execution_time.strftime("%Y-%m-%d")
    sizes = dump_sizes(raw_dumps.directory(), keys)
    return [_run_request(batch, f"{date}:" + "|".join(batch)) for batch in batch_partitions(keys, sorted(keys), sizes)]


@dg.run_failure_sensor(
    monitored_jobs=[corpus_job],
    request_job=corpus_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="When a run of several dumps (a batch, or a backfill's range) fails, runs each of its dumps "
    "alone: a bad dump then fails its own run, with its own reason, and the others land.",
)
def rerun_failed_batches_one_by_one(context: dg.RunFailureSensorContext):
    batch = batch_of(context.dagster_run.tags, context.instance.get_dynamic_partitions(DUMPS_PARTITIONS_NAME))
    return [dg.RunRequest(partition_key=key, run_key=f"alone-after-{context.dagster_run.run_id}:{key}")
            for key in batch]


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[corpus_job],
    request_job=entities_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="After a dump's run succeeds, rebuild the corpus-wide entity tables.",
)
def rebuild_entities_after_dump_runs(context: dg.RunStatusSensorContext):
    return dg.RunRequest(run_key=f"entities-after-{context.dagster_run.run_id}")
