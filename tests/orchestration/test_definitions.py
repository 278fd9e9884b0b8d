"""The Dagster layer as an engineer meets it: definitions, sensor, schedule, headless CLI."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest

from pipelines.cli import main
from pipelines.definitions import build_resources, defs
from pipelines.orchestration.automation import daily_refresh, raw_dumps_sensor, rerun_failed_batches_one_by_one
from pipelines.runtime.progress import listening
from pipelines.warehouse.snapshot import default_snapshot_path
from tests.conftest import copy_fixture, query


def _tick(sensor, **context_args):
    """One sensor evaluation in a context that is closed afterwards (left open, it would be closed by the garbage
    collector later, inside another test's run, and reset Dagster's current instance storage there)."""
    with dg.build_sensor_context(**context_args) as context:
        return sensor(context)


def _scheduled(**context_args):
    with dg.build_schedule_context(**context_args) as context:
        return daily_refresh(context)


def test_definitions_describe_assets_jobs_sensor_and_schedule():
    spec = {s.key.to_user_string(): s for s in defs.resolve_all_asset_specs()}["documents"]
    assert spec.group_name == "ingest"
    assert spec.description
    assert {"dagster/kind/python", "dagster/kind/duckdb"} <= set(spec.tags)
    assert isinstance(spec.partitions_def, dg.DynamicPartitionsDefinition)
    assert defs.resolve_job_def("corpus_job")
    assert defs.resolve_sensor_def("raw_dumps_sensor").default_status == dg.DefaultSensorStatus.RUNNING
    assert defs.resolve_schedule_def("daily_refresh").default_status == dg.DefaultScheduleStatus.STOPPED


def test_sensor_adds_partitions_for_new_and_reruns_changed_files(raw_dir, instance, monkeypatch):
    monkeypatch.setenv("CORPUS_RAW_DIR", str(raw_dir))
    copy_fixture("seeds_gitingest.txt", raw_dir)
    copy_fixture("seeds_banner.txt", raw_dir)
    (raw_dir / ".hidden").write_text("not a dump")
    # the sensor's raw directory comes from CORPUS_RAW_DIR through its resource, as in the UI
    resources = {"raw_dumps": build_resources()["raw_dumps"]}

    first = _tick(raw_dumps_sensor, instance=instance, resources=resources)
    # two small dumps, next to each other: one run for both
    [batch] = first.run_requests
    assert batch.partition_key_range == dg.PartitionKeyRange("seeds_banner.txt", "seeds_gitingest.txt")
    assert first.dynamic_partitions_requests[0].partition_keys == ["seeds_banner.txt", "seeds_gitingest.txt"]
    instance.add_dynamic_partitions("dumps", first.dynamic_partitions_requests[0].partition_keys)

    idle = _tick(raw_dumps_sensor, instance=instance, cursor=first.cursor, resources=resources)
    assert not idle.run_requests and idle.skip_reason

    changed = raw_dir / "seeds_banner.txt"
    changed.write_bytes(changed.read_bytes() + b"=== FILE: x ===\nnew\n")
    os.utime(changed, ns=(1, 2_000_000_000))
    rerun = _tick(raw_dumps_sensor, instance=instance, cursor=first.cursor, resources=resources)
    assert [r.partition_key for r in rerun.run_requests] == ["seeds_banner.txt"]
    assert not rerun.dynamic_partitions_requests


def test_schedule_requests_every_known_partition_small_ones_together(sqlite_instance, raw_dir, monkeypatch):
    instance = sqlite_instance
    monkeypatch.setenv("CORPUS_RAW_DIR", str(raw_dir))
    resources = {"raw_dumps": build_resources()["raw_dumps"]}
    assert isinstance(_scheduled(instance=instance, resources=resources), dg.SkipReason)
    (raw_dir / "big.txt").write_bytes(b"FILE: x\n" + b"word " * 300_000)
    (raw_dir / "a.txt").write_text("FILE: a\nalpha\n")
    (raw_dir / "d.txt").write_text("FILE: d\ndelta\n")
    instance.add_dynamic_partitions("dumps", ["b.txt", "a.txt", "d.txt", "big.txt", "c.txt"])  # b, c are gone
    when = datetime(2026, 11, 23, 3, tzinfo=UTC)
    requests = _scheduled(instance=instance, scheduled_execution_time=when, resources=resources)
    assert [(r.partition_key, r.partition_key_range) for r in requests] == [
        ("b.txt", None), (None, dg.PartitionKeyRange("a.txt", "d.txt")), ("big.txt", None), ("c.txt", None)]
    assert requests[2].run_key == "2026-11-23:big.txt"


def test_cli_materializes_every_dump_and_prints_summary(raw_dir, warehouse_path, capsys, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    copy_fixture("seeds_gitingest.txt", raw_dir)
    copy_fixture("raw_mixed/no_markers.txt", raw_dir)
    copy_fixture("raw_mixed/prose_marker.txt", raw_dir)
    watcher = Recorder()
    with listening(watcher):
        code = main(["materialize", "--raw-dir", str(raw_dir), "--warehouse", str(warehouse_path)])
    out, err = capsys.readouterr()
    assert code == 0
    assert "dagster - INFO" not in out + err  # not a terminal: plain lines, Dagster's INFO only in the run log
    assert "materializing 3 dumps in one run (no_markers.txt ... seeds_gitingest.txt) ..." in out
    size = (raw_dir / "seeds_gitingest.txt").stat().st_size
    assert ("seeds_gitingest.txt", "split", size, size) in watcher.updates
    assert ("seeds_gitingest.txt", "entities", 2, 2) in watcher.updates
    assert {(dump, stage) for dump, stage in watcher.finished} == {
        (dump, stage) for dump in ("seeds_gitingest.txt", "no_markers.txt", "prose_marker.txt")
        for stage in ("split", "text", "entities")}
    assert "totals: 3 dumps, 2 documents, 2 rejects" in out
    assert "ambiguous_markers=1, no_markers=1" in out
    assert "WARNING prose_marker.txt: ambiguous_markers: a single bare marker-like line at byte 59" in out
    assert "WARNING no_markers.txt: no_markers: no FILE marker line found" in out
    assert query(warehouse_path, "SELECT count(*) FROM documents") == [(2,)]

    # Unchanged: found current from the fingerprints alone, no Dagster run, the same summary.
    monkeypatch.setattr("pipelines.cli._run", lambda *args: pytest.fail("an unchanged rerun started a run"))
    assert main(["materialize", "--raw-dir", str(raw_dir), "--warehouse", str(warehouse_path)]) == 0
    out = capsys.readouterr().out
    assert "nothing changed: 3 dump(s)" in out and "totals: 3 dumps, 2 documents, 2 rejects" in out
    assert re.search(r"^seeds_gitingest\.txt +same +2 ", out, re.MULTILINE)
    monkeypatch.undo()
    monkeypatch.delenv("DAGSTER_HOME", raising=False)

    # A changed dump, a changed setting or a missing snapshot: a run again.
    (raw_dir / "prose_marker.txt").write_text("FILE: a.txt\nchanged text\n", encoding="utf-8")
    assert main(["materialize", "--raw-dir", str(raw_dir), "--warehouse", str(warehouse_path)]) == 0
    assert re.search(r"^prose_marker\.txt +ok ", capsys.readouterr().out, re.MULTILINE)
    monkeypatch.setenv("CORPUS_MAX_DOCUMENT_BYTES", "1000000")
    assert main(["materialize", "--raw-dir", str(raw_dir), "--warehouse", str(warehouse_path), "--verbose"]) == 0
    out, err = capsys.readouterr()
    # --verbose: Dagster's INFO lines on the terminal (small dumps in one run: one line a stage, not one a dump)
    assert "nothing changed" not in out and "3 dumps: 3 loaded, 0 unchanged and skipped" in out + err
    default_snapshot_path(warehouse_path).unlink()
    assert main(["materialize", "--raw-dir", str(raw_dir), "--warehouse", str(warehouse_path)]) == 0
    assert "nothing changed" not in capsys.readouterr().out and default_snapshot_path(warehouse_path).is_file()
    assert main(["materialize", "--raw-dir", str(raw_dir), "--warehouse", str(warehouse_path)]) == 0
    assert "nothing changed" in capsys.readouterr().out


class Recorder:
    """A progress listener that keeps what it was told."""

    def __init__(self) -> None:
        self.updates: list[tuple[str, str, int, int]] = []
        self.finished: list[tuple[str, str]] = []

    def update(self, dump: str, stage: str, done: int, total: int) -> None:
        self.updates.append((dump, stage, done, total))

    def finish(self, dump: str, stage: str) -> None:
        self.finished.append((dump, stage))


def test_progress_bars_show_each_dump_and_stage_with_its_unit():
    from io import StringIO

    from rich.console import Console

    from pipelines.orchestration.console import ProgressBars

    screen = StringIO()
    with ProgressBars(Console(file=screen, force_terminal=True, width=100)) as bars:
        bars.update("news/2026-12-01.txt", "split", 1_500_000, 3_000_000)
        bars.update("news/2026-12-01.txt", "split", 3_000_000, 3_000_000)
        bars.finish("news/2026-12-01.txt", "split")
        bars.update("news/2026-12-01.txt", "text", 250, 1_000)
        bars.finish("news/2026-12-01.txt", "entities")  # no update came: its rows were current
    text = screen.getvalue()
    assert "3.0/3.0 MB" in text and "250 / 1,000 docs" in text
    assert re.search(r"news/2026-12-01\.txt +entities .*unchanged", text)


def test_the_unchanged_check_uses_the_settings_a_run_uses(monkeypatch, tmp_path):
    from pipelines.cli import split_config
    from pipelines.entities.models import EntityConfig
    from pipelines.orchestration.resources import EntityResource, RawDumpsResource, TextStageResource
    from pipelines.text.document import TextConfig

    monkeypatch.setenv("CORPUS_MAX_DOCUMENT_BYTES", "12345")
    monkeypatch.setenv("CORPUS_MARKER_REGEX", r"^== (?P<name>\S+) ==$")
    resources = build_resources(raw_dir=str(tmp_path), resolve_now=True)
    assert resources["raw_dumps"].split_config() == split_config(None)
    assert RawDumpsResource(raw_dir=str(tmp_path)).split_config() != split_config(None)  # the env var counts
    assert TextStageResource().config() == TextConfig()
    assert EntityResource().config() == EntityConfig()


def test_cli_exit_codes_for_bad_setups(raw_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert main(["materialize", "--raw-dir", str(tmp_path / "missing"), "--warehouse", str(tmp_path / "w.db")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["materialize", "--raw-dir", str(raw_dir), "--marker-regex", "(unclosed"]) == 2
    assert "invalid marker regex" in capsys.readouterr().err
    assert main(["materialize", "--raw-dir", str(raw_dir), "--marker-regex", r"@@ (\S+)"]) == 2
    assert "has no (?P<name>...) group" in capsys.readouterr().err
    monkeypatch.setenv("CORPUS_MARKER_REGEX", "(?P<name>x?)")
    assert main(["materialize", "--raw-dir", str(raw_dir)]) == 2
    assert "matches the empty string" in capsys.readouterr().err
    monkeypatch.delenv("CORPUS_MARKER_REGEX")

    copy_fixture("seeds_gitingest.txt", raw_dir)
    not_a_file = tmp_path / "warehouse_is_a_directory"
    not_a_file.mkdir()
    code = main(["materialize", "--raw-dir", str(raw_dir), "--warehouse", str(not_a_file)])
    assert code == 2  # the migration step finds it before any run starts
    assert "Is a directory" in capsys.readouterr().err


@pytest.mark.parametrize("relative", ["data/raw", "sql/schema"])
def test_repository_layout_ships_sample_and_ddl(relative):
    root = Path(__file__).resolve().parents[2]
    assert any((root / relative).iterdir())


def test_a_bad_dump_fails_only_its_partition_with_the_reason_in_the_log(
    raw_dir, warehouse_path, instance, run_dump, monkeypatch
):
    copy_fixture("seeds_gitingest.txt", raw_dir)
    copy_fixture("seeds_banner.txt", raw_dir)
    _flaky_disk_for(monkeypatch, "seeds_banner.txt")
    good = run_dump("seeds_gitingest.txt")
    bad = run_dump("seeds_banner.txt", raise_on_error=False)
    assert good.success and not bad.success
    failure = next(e for e in bad.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE)
    assert failure.step_key == "documents"
    assert "seeds_banner.txt: load failed, previous rows kept: OSError: [Errno 5] Input/output error" in (
        failure.event_specific_data.user_failure_data.description
    )
    logged = [r.dagster_event for r in instance.all_logs(bad.run_id) if r.dagster_event]
    assert any(e.event_type == dg.DagsterEventType.STEP_FAILURE for e in logged)  # in the run's log (the UI)
    assert query(warehouse_path, "SELECT path FROM dumps") == [("seeds_gitingest.txt",)]


def _flaky_disk_for(monkeypatch, name: str) -> None:
    """Splitting the dump ``name`` fails as a bad disk would."""
    from pipelines.ingest import load as ingest

    real_split = ingest.split_dump

    def flaky_disk(path, config):
        if Path(path).name == name:
            raise OSError(5, "Input/output error", str(path))
        return real_split(path, config)

    monkeypatch.setattr(ingest, "split_dump", flaky_disk)


def test_cli_runs_small_dumps_together_and_a_bad_one_still_fails_alone(raw_dir, warehouse_path, capsys,
                                                                         monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    copy_fixture("seeds_gitingest.txt", raw_dir)
    copy_fixture("seeds_banner.txt", raw_dir)
    copy_fixture("raw_mixed/no_markers.txt", raw_dir)
    _flaky_disk_for(monkeypatch, "seeds_banner.txt")
    assert main(["materialize", "--raw-dir", str(raw_dir), "--warehouse", str(warehouse_path)]) == 1
    out, err = capsys.readouterr()
    assert "materializing 3 dumps in one run (no_markers.txt ... seeds_gitingest.txt) ..." in out
    # the batch's own failure is shown, then each dump runs alone
    assert re.search(r"the run of 3 dumps failed \(.*Input/output error.*\): running them one at a time", out)
    assert re.search(r"^seeds_banner\.txt +FAILED ", out, re.MULTILINE)
    assert re.search(r"^seeds_gitingest\.txt +ok +2 ", out, re.MULTILINE)
    assert "error: seeds_banner.txt: OSError: [Errno 5] Input/output error" in err
    assert "error: seeds_gitingest.txt" not in err and "error: no_markers.txt" not in err
    assert sorted(query(warehouse_path, "SELECT path FROM dumps")) == [("no_markers.txt",), ("seeds_gitingest.txt",)]
    assert query(warehouse_path, "SELECT count(DISTINCT dump_id) FROM entity_mentions") == [(1,)]


def test_sensor_batch_runs_and_a_failed_batch_is_rerun_dump_by_dump(raw_dir, warehouse_path, instance,
                                                                     monkeypatch):
    from pipelines.definitions import ASSETS
    from pipelines.orchestration.automation import corpus_job

    copy_fixture("seeds_gitingest.txt", raw_dir)
    copy_fixture("seeds_banner.txt", raw_dir)
    _flaky_disk_for(monkeypatch, "seeds_banner.txt")
    resources = build_resources(raw_dir=str(raw_dir), warehouse=str(warehouse_path))
    evaluation = _tick(raw_dumps_sensor, instance=instance, resources=resources)
    instance.add_dynamic_partitions("dumps", evaluation.dynamic_partitions_requests[0].partition_keys)
    [batch] = evaluation.run_requests
    job = dg.Definitions(assets=ASSETS, jobs=[corpus_job], resources=resources).resolve_job_def("corpus_job")
    failed = job.execute_in_process(instance=instance, tags=batch.tags, raise_on_error=False)
    assert not failed.success

    failure = next(e for e in failed.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)
    context = dg.build_run_status_sensor_context(
        sensor_name="rerun_failed_batches_one_by_one", dagster_instance=instance,
        dagster_run=failed.dagster_run, dagster_event=failure,
    ).for_run_failure()
    alone = rerun_failed_batches_one_by_one(context)
    assert [r.partition_key for r in alone] == ["seeds_banner.txt", "seeds_gitingest.txt"]
    runs = {r.partition_key: job.execute_in_process(instance=instance, partition_key=r.partition_key,
                                                    raise_on_error=False) for r in alone}
    assert not runs["seeds_banner.txt"].success and runs["seeds_gitingest.txt"].success
    assert query(warehouse_path, "SELECT path, n_documents FROM dumps") == [("seeds_gitingest.txt", 2)]


def test_a_locked_warehouse_is_retried_with_backoff(tmp_path, caplog):
    import subprocess
    import sys
    import time

    from pipelines.warehouse.connection import connect

    path = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "time.sleep(2)", str(path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with caplog.at_level("WARNING"), connect(path, first_wait=0.5) as con:
            assert con.execute("SELECT 42").fetchone() == (42,)
        waited = time.monotonic() - started
    finally:
        holder.kill()
    assert waited > 0.4  # it waited for the other process instead of failing at once
    assert "is locked (attempt 1/8)" in caplog.text


def test_run_log_shows_progress_of_each_stage(raw_dir, instance, run_dump):
    from pipelines.ingest.dumpwriter import format_dump

    articles = [(f"a{i:03d}.txt", f"Titre {i}\n\nLe ministre a parlé à Paris le {i} mai. " * 3) for i in range(120)]
    (raw_dir / "many.txt").write_text(format_dump(articles, "banner"), encoding="utf-8")
    result = run_dump("many.txt")
    assert result.success
    messages = [record.user_message for record in instance.all_logs(result.run_id)]
    assert any("bytes split" in m and "/" in m for m in messages)
    assert any("120 / 120 documents analysed" in m for m in messages)
    assert any("entities of 120 / 120 documents" in m for m in messages)


def test_settings_reach_resources_as_env_vars(monkeypatch, tmp_path):
    monkeypatch.setenv("CORPUS_RAW_DIR", str(tmp_path))
    monkeypatch.setenv("CORPUS_MAX_DOCUMENT_BYTES", "1000")
    monkeypatch.setenv("CORPUS_DUCKDB_MEMORY_LIMIT", "")  # empty: DuckDB's own default, no limit
    monkeypatch.delenv("CORPUS_WAREHOUSE", raising=False)
    lazy = build_resources()
    assert isinstance(lazy["raw_dumps"].raw_dir, dg.EnvVar)  # resolved by Dagster when a run starts:
    resolved = lazy["raw_dumps"].process_config_and_initialize()
    assert (resolved.raw_dir, resolved.max_document_bytes) == (str(tmp_path), 1000)
    assert lazy["warehouse"].path == "data/warehouse/corpus.duckdb" and lazy["warehouse"].memory_limit == ""
    now = build_resources(resolve_now=True)
    assert now["raw_dumps"].directory() == tmp_path and now["raw_dumps"].split_config().max_document_bytes == 1000
    assert now["warehouse"].file() == Path(__file__).resolve().parents[2] / "data" / "warehouse" / "corpus.duckdb"


def test_jobs_are_refused_on_a_file_warehouse(raw_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    copy_fixture("seeds_gitingest.txt", raw_dir)
    code = main(["materialize", "--jobs", "2", "--raw-dir", str(raw_dir), "--warehouse", str(tmp_path / "w.duckdb")])
    assert code == 2
    assert "--jobs 2 needs a lake" in capsys.readouterr().err
    assert not (tmp_path / "w.duckdb").exists()  # refused before anything was written


def test_lake_deployments_fan_out_dump_runs_and_keep_corpus_runs_to_one(tmp_path):
    import yaml

    from pipelines.orchestration.automation import CORPUS_RUN_TAG, entities_job
    from pipelines.orchestration.maintenance import MAINTENANCE_RUN_TAG, lake_maintenance_job

    root = Path(__file__).resolve().parents[2]
    config = yaml.safe_load((root / "deploy" / "dagster.lake.yaml").read_text(encoding="utf-8"))
    config["storage"]["sqlite"]["base_dir"] = str(tmp_path / "storage")
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        queue = instance.get_concurrency_config().run_queue_config
        assert queue.max_concurrent_runs > 1
        assert [(limit["key"], limit["value"], limit["limit"]) for limit in queue.tag_concurrency_limits] == [
            ("corpus", "rebuild", 1), ("corpus", "maintenance", 1)]
    assert entities_job.tags == CORPUS_RUN_TAG == {"corpus": "rebuild"}
    assert lake_maintenance_job.tags == MAINTENANCE_RUN_TAG == {"corpus": "maintenance"}
    k8s = yaml.safe_load((root / "deploy" / "dagster.k8s.yaml").read_text(encoding="utf-8"))
    assert k8s["run_launcher"]["class"] == "K8sRunLauncher" and "postgres" in k8s["storage"]
    runs = config["concurrency"]["runs"]
    assert k8s["concurrency"]["runs"]["tag_concurrency_limits"] == runs["tag_concurrency_limits"]
