"""Choosing the backend from the setting, and what its errors say (never a password)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import cli
from pipelines.warehouse.backend import FileWarehouse, LakeWarehouse, parse_warehouse, redact
from pipelines.warehouse.connection import WarehouseError


def test_a_path_is_a_file_and_a_ducklake_spec_is_a_lake(tmp_path):
    assert parse_warehouse(str(tmp_path / "w.duckdb")) == FileWarehouse(tmp_path / "w.duckdb")
    lake = parse_warehouse("ducklake:postgres:dbname=lake host=db", str(tmp_path / "data"))
    assert lake == LakeWarehouse("dbname=lake host=db", f"{tmp_path / 'data'}/")
    assert parse_warehouse("ducklake:postgres:dbname=lake", "s3://bucket/lake/").data_path == "s3://bucket/lake/"
    with pytest.raises(ValueError, match="needs a data path"):
        parse_warehouse("ducklake:postgres:dbname=lake password=hunter2")
    with pytest.raises(ValueError, match="only ducklake:postgres"):
        parse_warehouse("ducklake:sqlite:lake.db", "data")


@pytest.mark.parametrize(("conninfo", "shown"), [
    ("host=db dbname=lake password=hunter2 user=me", "host=db dbname=lake password=*** user=me"),
    ("host=db password = 'hunter 2'", "host=db password = ***"),
    ("postgresql://me:hunter2@db:5432/lake", "postgresql://me:***@db:5432/lake"),
])
def test_passwords_are_redacted(conninfo, shown):
    assert redact(conninfo) == shown


def test_an_unreachable_catalog_fails_naming_it_without_its_password(tmp_path, capsys, monkeypatch):
    missing = tmp_path / "no-server-here"
    lake = parse_warehouse(f"ducklake:postgres:host={missing} dbname=lake user=me password=hunter2", str(tmp_path))
    with pytest.raises(WarehouseError) as failure, lake.connect(attempts=2, first_wait=0.01):
        pass
    message = str(failure.value)
    assert "cannot attach the lake ducklake:postgres:" in message and "after 2 attempts" in message
    assert "hunter2" not in message
    monkeypatch.setenv("CORPUS_CONNECT_ATTEMPTS", "2")  # 0.5 s of backoff instead of a minute
    spec = f"ducklake:postgres:host={missing} dbname=lake password=hunter2"
    assert cli.main(["migrate", "--warehouse", spec, "--lake-data", str(Path(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert "cannot attach the lake" in err and "hunter2" not in err


@pytest.mark.parametrize("name", ["warehouse.duckdb", "it's memory.duckdb", "memory.duckdb"])
def test_a_writer_fills_row_groups_of_row_group_size_and_readers_see_its_catalog(tmp_path, name):
    """A writer attaches the file with ROW_GROUP_SIZE (a big load is then written as it comes instead
    of held in memory), whatever its name; a read-only connection sees the same tables."""
    from pipelines.warehouse.connection import ROW_GROUP_SIZE, connect

    path = tmp_path / name
    with connect(path) as con:
        con.execute("CREATE TABLE t AS SELECT range AS i FROM range(?)", [ROW_GROUP_SIZE * 2 + 5])
        sizes = con.execute("SELECT row_group_id, max(count) FROM pragma_storage_info('t') "
                            "WHERE column_name = 'i' GROUP BY ALL ORDER BY 1").fetchall()
        catalog = con.execute("SELECT current_database()").fetchone()[0]
        spills = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
    assert [size for _, size in sizes] == [ROW_GROUP_SIZE, ROW_GROUP_SIZE, 5]
    assert spills == f"{path}.tmp"  # next to the file, not in a shared ./.tmp of the working directory
    assert catalog == ("warehouse" if path.stem == "memory" else path.stem)
    with connect(path, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM t").fetchone() == (ROW_GROUP_SIZE * 2 + 5,)
