"""The DuckLake backend on a real PostgreSQL: every stage, the checks and the analysts' commands."""

from __future__ import annotations

import subprocess

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


def test_a_lake_is_migrated_once_not_by_every_connection(lake):
    resource = WarehouseResource(path=lake.spec, lake_data=lake.data)
    with pytest.raises(WarehouseError, match="python -m pipelines migrate"), resource.connection():
        pass
    assert cli.main(["migrate", "--warehouse", lake.spec, "--lake-data", lake.data]) == 0
    with resource.connection() as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
