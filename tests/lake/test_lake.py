"""The DuckLake backend on a real PostgreSQL: every stage, the checks and the analysts' commands."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import pytest

from pipelines import cli
from pipelines.orchestration.resources import WarehouseResource
from pipelines.warehouse.backend import parse_warehouse
from pipelines.warehouse.connection import WarehouseError
from tests.conftest import copy_fixture

# What the run computes, compared row for row between the file and the lake.
COMPARED = {
    "documents": "SELECT doc_id, name, content_sha256, n_words FROM documents",
    "paragraphs": "SELECT doc_id, ordinal, kind, char_start, char_end FROM paragraphs",
    "document_metadata": "SELECT doc_id, title, byline FROM document_metadata",
    "quotes": "SELECT doc_id, char_start, speaker FROM quotes",
    "entity_mentions": "SELECT doc_id, char_start, char_end, type, entity_id FROM entity_mentions",
    "entities": "SELECT entity_id, name, type FROM entities",
    "document_overview": "SELECT name, language, title, n_words FROM document_overview",
}


def rows(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {name: sorted(con.execute(query).fetchall(), key=repr) for name, query in COMPARED.items()}


def test_the_pipeline_on_a_lake_gives_the_file_warehouses_rows(lake, raw_dir, warehouse_path, monkeypatch, capsys):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    copy_fixture("seeds_gitingest.txt", raw_dir)
    assert cli.main(["migrate", "--warehouse", lake.spec, "--lake-data", lake.data]) == 0
    assert cli.main(["materialize", "--raw-dir", str(raw_dir), "--warehouse", lake.spec,
                     "--lake-data", lake.data]) == 0
    assert cli.main(["materialize", "--raw-dir", str(raw_dir), "--warehouse", str(warehouse_path)]) == 0
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        expected = rows(con)
    with parse_warehouse(lake.spec, lake.data).connect(read_only=True) as con:
        assert rows(con) == expected
        assert expected["entities"] and expected["quotes"]
    capsys.readouterr()
    assert cli.main(["sql", "SELECT count(*) AS n FROM document_overview", "--warehouse", lake.spec,
                     "--lake-data", lake.data]) == 0
    captured = capsys.readouterr()
    assert "at snapshot" in captured.err and " 2 " in captured.out
    exported = warehouse_path.parent / "export"
    assert cli.main(["export", "--parquet-dir", str(exported), "--views", "--warehouse", lake.spec,
                     "--lake-data", lake.data]) == 0
    with duckdb.connect() as con:
        overview = con.execute("SELECT name, language, title, n_words FROM read_parquet(?)",
                               [str(exported / "document_overview.parquet")]).fetchall()
        assert sorted(overview, key=repr) == expected["document_overview"]
        assert con.execute("SELECT count(*) FROM read_parquet(?)",
                           [str(exported / "entities.parquet")]).fetchone()[0] == len(expected["entities"])


RUN = "INSERT INTO stage_runs VALUES (?, 'text', 'f', now()::TIMESTAMP)"


def test_analysts_read_the_last_published_snapshot_not_a_run_in_progress(lake, monkeypatch, capsys):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert cli.main(["migrate", "--warehouse", lake.spec, "--lake-data", lake.data]) == 0
    backend = parse_warehouse(lake.spec, lake.data)
    with backend.connect() as con:
        con.execute(RUN, ["d1"])
        published = backend.publish(con)
        con.execute(RUN, ["d2"])  # a run, not yet published
        assert con.execute("SELECT count(*) FROM stage_runs").fetchone()[0] == 2
    with backend.connect_published() as (con, snapshot_id):
        assert snapshot_id == published
        assert con.execute("SELECT dump_id FROM stage_runs").fetchall() == [("d1",)]
    capsys.readouterr()
    assert cli.main(["sql", "SELECT dump_id FROM stage_runs", "--warehouse", lake.spec, "--lake-data", lake.data]) == 0
    out = capsys.readouterr().out
    assert "d1" in out and "d2" not in out
    # The analysts' DuckDB shell, attached the way `python -m pipelines shell` attaches it.
    command = cli.shell_command(lake.spec, lake.data)
    shell = subprocess.run([*command, "-csv", "-c", "SELECT dump_id FROM stage_runs"],
                           capture_output=True, text=True, timeout=60)
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout.split() == ["dump_id", "d1"]
    # Maintenance expires every snapshot it may, but never the published one analysts read.
    assert cli.main(["maintain", "--warehouse", lake.spec, "--lake-data", lake.data, "--keep-days", "0"]) == 0
    assert "snapshots_after" in capsys.readouterr().out
    with backend.connect_published() as (con, snapshot_id):
        assert snapshot_id == published
        assert con.execute("SELECT dump_id FROM stage_runs").fetchall() == [("d1",)]
    with backend.connect(read_only=True) as con:
        assert con.execute("SELECT count(*) FROM stage_runs").fetchone()[0] == 2


def test_a_lake_is_migrated_once_not_by_every_connection(lake):
    resource = WarehouseResource(path=lake.spec, lake_data=lake.data)
    with pytest.raises(WarehouseError, match="python -m pipelines migrate"), resource.connection():
        pass
    assert cli.main(["migrate", "--warehouse", lake.spec, "--lake-data", lake.data]) == 0
    with resource.connection() as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 0


def test_lake_connections_spill_to_a_directory_of_their_own_not_the_working_directory(lake):
    """Many writer processes may share a lake, and a working directory: each DuckDB spills apart."""
    backend = parse_warehouse(lake.spec, lake.data)
    with backend.connect() as writer, backend.connect(read_only=True) as reader:
        spills = [con.execute("SELECT current_setting('temp_directory')").fetchone()[0] for con in (writer, reader)]
    assert len(set(spills)) == 2
    assert all(Path(spill).parent == Path(tempfile.gettempdir()) for spill in spills)


ARTICLE = ("{city} council approves new budget\n\nBy Jane Miller\n\nThe council of {city} approved a budget of "
           "{n} million dollars on Monday. \"We kept our promises,\" said Mayor Tom Baker. The opposition leader, "
           "Ann Lee, called the plan \"a missed chance\" and said the vote was rushed.\n")
CITIES = ("Denver", "Boston", "Seattle", "Austin")


def write_dumps(raw_dir, cities: tuple[str, ...] = CITIES) -> None:
    from pipelines.ingest.dumpwriter import format_dump

    for index, city in enumerate(cities):
        documents = [(f"{city.lower()}_{k}.txt", ARTICLE.format(city=city, n=10 * index + k)) for k in range(3)]
        (raw_dir / f"dump_{city.lower()}.txt").write_text(format_dump(documents, "banner"), encoding="utf-8")


# Dumps in view, and how many of them have documents other than the count their row gives (a half load).
WHOLE_DUMPS = """
SELECT count(*), count(*) FILTER (WHERE d.n_documents <> coalesce(c.n, 0))
FROM dumps d LEFT JOIN (SELECT dump_id, count(*) AS n FROM documents GROUP BY dump_id) c USING (dump_id)
"""


def test_two_processes_with_two_jobs_each_load_the_same_dumps_into_one_lake_exactly_once(lake, raw_dir):
    write_dumps(raw_dir)
    assert cli.main(["migrate", "--warehouse", lake.spec, "--lake-data", lake.data]) == 0
    command = [sys.executable, "-m", "pipelines", "materialize", "--jobs", "2", "--raw-dir", str(raw_dir),
               "--warehouse", lake.spec, "--lake-data", lake.data]
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    writers = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
               for _ in range(2)]
    # An analyst reading throughout: the lake as it is now, and as published; every dump in view is whole.
    backend, seen, stop = parse_warehouse(lake.spec, lake.data), [], threading.Event()

    def read_throughout() -> None:
        with backend.connect(read_only=True) as con:  # one session; each query reads the newest commit
            while not stop.is_set():
                seen.append(con.execute(WHOLE_DUMPS).fetchone())
                time.sleep(0.5)

    reader = threading.Thread(target=read_throughout)
    reader.start()
    try:
        outputs = [writer.communicate(timeout=600)[0] for writer in writers]
    finally:
        stop.set()
        reader.join()
    assert [writer.returncode for writer in writers] == [0, 0], outputs
    assert len(seen) > 3 and all(half == 0 for _, half in seen), seen  # never a half-committed dump
    assert seen[-1][0] == 4
    with parse_warehouse(lake.spec, lake.data).connect(read_only=True) as con:
        documents = con.execute("SELECT dump_id, ordinal, count(*) FROM documents GROUP BY ALL").fetchall()
        assert len(documents) == 12 and {n for *_, n in documents} == {1}  # every document, exactly once
        assert con.execute("SELECT count(*) FROM dumps").fetchone()[0] == 4
        for table in ("paragraphs", "entity_mentions", "quotes", "stage_runs"):  # no row loaded twice
            (total, distinct) = con.execute(
                f"SELECT count(*), count(DISTINCT (doc_id, char_start)) FROM {table}"  # noqa: S608 - our names
                if table != "stage_runs" else "SELECT count(*), count(DISTINCT (dump_id, stage)) FROM stage_runs"
            ).fetchone()
            assert total == distinct > 0, table
        orphans = con.execute(
            "SELECT count(*) FROM entity_mentions m LEFT JOIN entities e USING (entity_id) WHERE e.entity_id IS NULL"
        ).fetchone()[0]
        assert orphans == 0  # entities rebuilt over every dump's mentions
        speakers = {row[0] for row in con.execute("SELECT DISTINCT speaker FROM quotes").fetchall()}
        assert "Tom Baker" in speakers


def test_a_writer_killed_mid_load_leaves_the_lake_readable_and_a_rerun_completes_it(lake, raw_dir):
    import signal

    cities = CITIES[:2]
    write_dumps(raw_dir, cities)
    assert cli.main(["migrate", "--warehouse", lake.spec, "--lake-data", lake.data]) == 0
    command = [sys.executable, "-m", "pipelines", "materialize", "--raw-dir", str(raw_dir),
               "--warehouse", lake.spec, "--lake-data", lake.data]
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    writer = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                              start_new_session=True)
    backend = parse_warehouse(lake.spec, lake.data)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # kill it once a dump is in and the run is still going
        with backend.connect(read_only=True) as con:
            if con.execute("SELECT count(*) FROM dumps").fetchone()[0] >= 1:
                break
        time.sleep(0.2)
    os.killpg(writer.pid, signal.SIGKILL)
    writer.wait(timeout=60)
    with backend.connect(read_only=True) as con:  # readable, and every dump in it is whole
        loaded = con.execute("SELECT dump_id, n_documents FROM dumps").fetchall()
        # both small dumps load in one run, a transaction each: one or both are in, whole
        assert 1 <= len(loaded) <= len(cities)
        (analysed,) = con.execute("SELECT count(*) FROM stage_runs WHERE stage = 'entities'").fetchone()
        assert analysed < len(cities)  # killed while work was still to come
        for dump_id, n_documents in loaded:
            (n,) = con.execute("SELECT count(*) FROM documents WHERE dump_id = ?", [dump_id]).fetchone()
            assert n == n_documents
    rerun = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert rerun.returncode == 0, rerun.stdout[-2000:] + rerun.stderr[-2000:]
    with backend.connect(read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT (dump_id, ordinal)) FROM documents").fetchone() == (6, 6)
        assert con.execute("SELECT count(DISTINCT dump_id) FROM stage_runs WHERE stage = 'entities'").fetchone()[0] == 2


def test_a_process_keeps_the_lake_attached_and_survives_the_catalog_dropping_its_sessions(lake, postgres):
    backend = parse_warehouse(lake.spec, lake.data)
    with backend.connect() as con:
        con.execute("CREATE TABLE t (x INTEGER)")
        con.execute("INSERT INTO t VALUES (1)")
    with backend.connect() as con:  # the same attached lake: the commit is there
        assert con.execute("SELECT count(*) FROM t").fetchone() == (1,)
    # The catalog's server drops the process's sessions (a restart, a failover).
    postgres.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")
    try:
        with backend.connect() as con:
            con.execute("INSERT INTO t VALUES (2)")
    except duckdb.Error:
        pass  # the first write may see the dropped session; the next connection must not
    with backend.connect() as con:
        con.execute("INSERT INTO t VALUES (3)")
        values = {x for (x,) in con.execute("SELECT x FROM t").fetchall()}
    assert {1, 3} <= values <= {1, 2, 3}


# Undecodable bytes, an ambiguous marker line in prose, a truncated gzip.
BAD_DUMPS = ["bad_bytes_bare.txt", "prose_marker.txt", "truncated.txt.gz"]


def test_bad_dumps_on_a_lake_are_recorded_and_a_failing_one_fails_alone(lake, raw_dir, monkeypatch, capsys):
    from pipelines.ingest import load

    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    for name in BAD_DUMPS:
        copy_fixture(f"raw_mixed/{name}", raw_dir)
    copy_fixture("seeds_gitingest.txt", raw_dir, as_name="exploding.txt")
    split_dump = load.split_dump

    def full_disk_on_one_dump(path, config):
        if path.name == "exploding.txt":
            raise OSError(28, "No space left on device (injected by the test)")
        return split_dump(path, config)

    monkeypatch.setattr(load, "split_dump", full_disk_on_one_dump)
    assert cli.main(["migrate", "--warehouse", lake.spec, "--lake-data", lake.data]) == 0
    capsys.readouterr()
    assert cli.main(["materialize", "--raw-dir", str(raw_dir), "--warehouse", lake.spec,
                     "--lake-data", lake.data]) == 1
    out, err = capsys.readouterr()
    assert "error: exploding.txt: OSError: [Errno 28] No space left on device" in err
    (line,) = [line for line in out.splitlines() if line.startswith("exploding.txt ")]
    assert "FAILED" in line.upper(), line  # the summary shows it beside the dumps that loaded
    assert [line for line in err.splitlines() if line.startswith("error: ")] == [
        line for line in err.splitlines() if line.startswith("error: exploding.txt")]
    with parse_warehouse(lake.spec, lake.data).connect(read_only=True) as con:
        reasons = dict(con.execute("SELECT reason, count(*) FROM rejects GROUP BY reason").fetchall())
        dumps = {path: status for path, status in con.execute("SELECT path, status FROM dumps").fetchall()}
        published = con.execute("SELECT count(*) FROM published_snapshots").fetchone()[0]
        decode_errors = con.execute("SELECT decode_errors FROM documents WHERE name = 'broken.txt'").fetchall()
        orphans = con.execute("SELECT count(*) FROM entity_mentions WHERE entity_id NOT IN "
                              "(SELECT entity_id FROM entities)").fetchone()[0]
    assert reasons == {"ambiguous_markers": 1, "truncated_input": 1}  # as on a file (tests/orchestration/test_runs.py)
    assert decode_errors == [(1,)]
    assert "exploding.txt" not in dumps and len(dumps) == len(BAD_DUMPS) and dumps["truncated.txt.gz"] == "truncated"
    assert published == 1 and orphans == 0  # the other dumps were rebuilt and published
