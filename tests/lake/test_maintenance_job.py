"""lake_maintenance_job in Dagster: compaction and snapshot expiry of a lake; nothing on a DuckDB file."""

from __future__ import annotations

from pipelines import cli
from pipelines.definitions import build_resources, defs
from pipelines.orchestration.maintenance import lake_maintenance_job, weekly_lake_maintenance
from pipelines.warehouse.backend import parse_warehouse
from tests.conftest import copy_fixture

KEEP_NOTHING = {"ops": {"maintain_lake_op": {"config": {"keep_days": 0}}}}


def test_the_job_and_its_schedule_are_in_the_definitions():
    assert defs.get_job_def("lake_maintenance_job").tags["corpus"] == "maintenance"  # limited to 1 run
    assert weekly_lake_maintenance in defs.schedules and weekly_lake_maintenance.job_name == "lake_maintenance_job"


def test_on_a_file_warehouse_there_is_nothing_to_maintain(raw_dir, warehouse_path):
    resources = build_resources(raw_dir=str(raw_dir), warehouse=str(warehouse_path))
    result = lake_maintenance_job.execute_in_process(resources=resources, run_config=KEEP_NOTHING)
    assert result.success and result.output_for_node("maintain_lake_op") == {}


def test_the_job_compacts_a_lake_and_keeps_the_published_snapshot_readable(lake, raw_dir, monkeypatch, capsys):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    copy_fixture("seeds_gitingest.txt", raw_dir)
    copy_fixture("seeds_banner.txt", raw_dir)
    assert cli.main(["migrate", "--warehouse", lake.spec, "--lake-data", lake.data]) == 0
    assert cli.main(["materialize", "--raw-dir", str(raw_dir), "--warehouse", lake.spec, "--lake-data", lake.data]) == 0
    resources = build_resources(raw_dir=str(raw_dir), warehouse=lake.spec, lake_data=lake.data)
    result = lake_maintenance_job.execute_in_process(resources=resources, run_config=KEEP_NOTHING)
    assert result.success
    report = result.output_for_node("maintain_lake_op")
    assert report["data_files_after"] < report["data_files_before"]
    assert report["snapshots_after"] < report["snapshots_before"]
    with parse_warehouse(lake.spec, lake.data).connect_published() as (con, snapshot):
        assert snapshot is not None
        assert con.execute("SELECT count(*) FROM document_overview").fetchone() == (4,)
