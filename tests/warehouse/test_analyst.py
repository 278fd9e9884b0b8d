"""The analyst's side: a published snapshot to query while runs go on, the `sql` and `export` commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines import cli
from pipelines.ingest import load as ingest
from pipelines.ingest.config import SplitConfig
from pipelines.ingest.dumpwriter import format_dump
from pipelines.warehouse.connection import connect
from pipelines.warehouse.schema import apply_schema
from pipelines.warehouse.snapshot import default_snapshot_path, publish_snapshot
from tests.conftest import copy_fixture

# An analyst's session in another process: count documents, wait, count again on the same connection.
ANALYST_SESSION = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT count(*) FROM documents").fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute("SELECT count(*) FROM documents").fetchone()[0], flush=True)
"""


def load(con: duckdb.DuckDBPyConnection, raw_dir: Path, name: str) -> None:
    ingest.load_dump(con, ingest.DumpFile(raw_dir, name), SplitConfig())


@pytest.fixture
def warehouse(raw_dir: Path, warehouse_path: Path) -> Path:
    """A warehouse holding the two seed documents, with its snapshot published."""
    copy_fixture("seeds_gitingest.txt", raw_dir)
    with connect(warehouse_path) as con:
        apply_schema(con)
        load(con, raw_dir, "seeds_gitingest.txt")
        publish_snapshot(con, warehouse_path, default_snapshot_path(warehouse_path))
    return warehouse_path


def count_documents(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT count(*) FROM documents").fetchone()[0]


def test_snapshot_is_a_readable_copy_next_to_the_warehouse(warehouse):
    snapshot = default_snapshot_path(warehouse)
    assert snapshot == warehouse.parent / "corpus.snapshot.duckdb"
    assert count_documents(snapshot) == 2


def test_open_analyst_session_neither_blocks_a_run_nor_breaks(warehouse, raw_dir):
    snapshot = default_snapshot_path(warehouse)
    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST_SESSION, str(snapshot)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert analyst.stdout.readline().strip() == "2"
        # A run while the session is open: opens the warehouse for writing at once, publishes anew.
        (raw_dir / "more.txt").write_text(format_dump([("x", "one more"), ("y", "and another")], "banner"))
        with connect(warehouse, attempts=1) as con:
            load(con, raw_dir, "more.txt")
            publish_snapshot(con, warehouse, snapshot)
        out, err = analyst.communicate("\n", timeout=60)
    finally:
        analyst.kill()
    assert analyst.returncode == 0, err
    assert out.strip() == "2"  # the open session still reads the snapshot it opened
    assert count_documents(snapshot) == 4  # a new session sees the new one


def test_sql_prints_a_table(warehouse, capsys):
    assert cli.main(["sql", "SELECT name, n_words FROM documents ORDER BY ordinal", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "000_87bfc9b8775dda3f.txt" in out and "002_c9233f50081a8f08.txt" in out


def test_sql_reads_the_snapshot_by_default(warehouse, monkeypatch, capsys):
    monkeypatch.setenv("CORPUS_WAREHOUSE", str(warehouse))
    monkeypatch.delenv("CORPUS_SNAPSHOT", raising=False)
    assert cli.main(["sql", "SELECT count(*) AS n FROM documents"]) == 0
    captured = capsys.readouterr()
    assert "corpus.snapshot.duckdb (read-only)" in captured.err


def test_sql_exports_csv_and_parquet(warehouse, tmp_path):
    csv, parquet = tmp_path / "out.csv", tmp_path / "out.parquet"
    query = "SELECT name, text FROM documents ORDER BY ordinal"
    assert cli.main(["sql", query, "--warehouse", str(warehouse), "--csv", str(csv), "--parquet", str(parquet)]) == 0
    with duckdb.connect() as con:
        from_csv = con.execute("SELECT name, text FROM read_csv(?)", [str(csv)]).fetchall()
        from_parquet = con.execute("SELECT name, text FROM read_parquet(?)", [str(parquet)]).fetchall()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        expected = con.execute(query).fetchall()
    assert from_csv == from_parquet == expected  # multi-line French text survives both formats


def test_sql_refuses_writes_and_reports_errors(warehouse, capsys):
    assert cli.main(["sql", "DELETE FROM documents", "--warehouse", str(warehouse)]) == 1
    assert "read-only" in capsys.readouterr().err
    assert cli.main(["sql", "SELEC 1", "--warehouse", str(warehouse)]) == 1
    assert count_documents(warehouse) == 2


def test_export_writes_every_table_to_parquet(warehouse, tmp_path):
    target = tmp_path / "parquet"
    assert cli.main(["export", "--parquet-dir", str(target), "--warehouse", str(warehouse)]) == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall()]
    assert sorted(p.stem for p in target.glob("*.parquet")) == tables
    with duckdb.connect() as con:
        rows = con.execute("SELECT count(*) FROM read_parquet(?)", [str(target / "documents.parquet")]).fetchone()
    assert rows == (2,)


def test_the_duckdb_shell_analysts_install_reads_the_snapshot(warehouse):
    """The registry's DuckDB CLI (duckdb-cli, the pinned version) opens what the pipeline publishes."""
    shell = Path(sys.executable).with_name("duckdb")
    assert shell.is_file(), "duckdb-cli is a dev dependency: make install puts the shell in the venv"
    snapshot = default_snapshot_path(warehouse)
    result = subprocess.run(
        [str(shell), "-readonly", "-csv", str(snapshot), "-c", "SELECT count(*) AS n FROM document_overview"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["n", "2"]
    version = subprocess.run([str(shell), "--version"], capture_output=True, text=True, timeout=60).stdout
    assert version.startswith(f"v{duckdb.__version__} ")


def test_the_shell_command_opens_the_snapshot_read_only(warehouse, monkeypatch):
    monkeypatch.setenv("CORPUS_WAREHOUSE", str(warehouse))
    monkeypatch.delenv("CORPUS_SNAPSHOT", raising=False)
    command = cli.shell_command(None, None)
    assert command[-2:] == ["-readonly", str(default_snapshot_path(warehouse))]
    result = subprocess.run([*command, "-csv", "-c", "SELECT count(*) AS n FROM documents"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.split() == ["n", "2"], result.stderr


def test_a_warehouse_from_a_newer_duckdb_fails_with_what_to_do(warehouse, capsys):
    import gzip

    # An empty database written by duckdb 2.0.0 (storage version 999 to 1.5.5), the version this project
    # used before it pinned 1.5.5: a user's existing warehouse.
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "written_by_duckdb_2.0.duckdb.gz"
    newer = warehouse.with_name("newer.duckdb")
    newer.write_bytes(gzip.decompress(fixture.read_bytes()))
    assert cli.main(["sql", "SELECT 1", "--warehouse", str(newer)]) == 1
    err = capsys.readouterr().err
    assert "newer DuckDB" in err and "move it aside and run again" in err
