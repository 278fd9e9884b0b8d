"""The Dagster UI on a lake: the real webserver and daemon with ``deploy/dagster.lake.yaml``, two dump runs
launched over GraphQL at once; both succeed, side by side, and write the lake. (The corpus-wide run and
the publication on a lake are the CLI tests' and test_maintenance_job's.)"""

from __future__ import annotations

import shutil
import time

import pytest

from pipelines import cli
from pipelines.orchestration.automation import corpus_job
from pipelines.orchestration.partitions import DUMPS_PARTITIONS_NAME
from pipelines.warehouse.backend import parse_warehouse
from tests.conftest import FIXTURES
from tests.orchestration.ui_support import (
    REPO_ROOT,
    DagsterServices,
    add_dynamic_partition,
    launch_partition_run,
    run_errors,
    stop_sensors,
    wait_for_run,
)

pytestmark = pytest.mark.ui
DUMPS = ["seeds_gitingest.txt", "seeds_banner.txt"]
RUN_TIMES = """query RunTimes($runId: ID!) { runOrError(runId: $runId) { ... on Run { startTime endTime } } }"""


def test_dump_runs_launched_in_the_ui_fan_out_on_a_lake(lake, tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in DUMPS:
        shutil.copyfile(FIXTURES / name, raw / name)
    assert cli.main(["migrate", "--warehouse", lake.spec, "--lake-data", lake.data]) == 0
    services = DagsterServices(
        tmp_path, {"CORPUS_RAW_DIR": str(raw), "CORPUS_WAREHOUSE": lake.spec, "CORPUS_LAKE_DATA": lake.data},
        instance_yaml=REPO_ROOT / "deploy" / "dagster.lake.yaml",
    )
    try:
        with services.logs_on_failure():
            services.start_webserver()
            stop_sensors(services)
            services.start_daemon()
            for name in DUMPS:
                assert add_dynamic_partition(services, DUMPS_PARTITIONS_NAME, name) == "AddDynamicPartitionSuccess"
            started = time.monotonic()
            run_ids = [launch_partition_run(services, corpus_job.name, name)["runId"] for name in DUMPS]
            for run_id in run_ids:
                run = wait_for_run(services, run_id, timeout=300)
                assert run["status"] == "SUCCESS", run_errors(services, run_id)
            print(f"two dump runs in {time.monotonic() - started:.1f} s")
            times = [services.graphql(RUN_TIMES, {"runId": run_id})["runOrError"] for run_id in run_ids]
    finally:
        services.stop()
    # dagster.lake.yaml let the two dump runs go at once (the file warehouse's dagster.yaml would not).
    first, second = sorted(times, key=lambda run: run["startTime"])
    assert second["startTime"] < first["endTime"], f"the dump runs did not overlap: {times}"
    with parse_warehouse(lake.spec, lake.data).connect(read_only=True) as con:
        assert con.execute("SELECT count(DISTINCT dump_id), count(*) FROM documents").fetchone() == (2, 4)
        assert con.execute("SELECT count(DISTINCT dump_id) FROM stage_runs WHERE stage = 'entities'").fetchone() == (2,)
