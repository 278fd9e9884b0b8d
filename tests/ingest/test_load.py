"""Loading one dump with the pure-Python core (no Dagster): duplicates, replacement, memory settings."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.ingest import load as ingest
from pipelines.ingest.config import SplitConfig
from pipelines.ingest.dumpwriter import format_dump
from pipelines.warehouse.connection import connect
from pipelines.warehouse.schema import apply_schema


@pytest.fixture
def con(tmp_path: Path):
    with connect(tmp_path / "w.duckdb") as connection:
        apply_schema(connection)
        yield connection


def load(con: duckdb.DuckDBPyConnection, tmp_path: Path, raw: bytes, name: str = "dump.txt") -> ingest.LoadResult:
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir(exist_ok=True)
    (raw_dir / name).write_bytes(raw)
    return ingest.load_dump(con, ingest.DumpFile(raw_dir, name), SplitConfig(), force=True)


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_second_document_with_a_name_is_rejected_and_the_first_kept(con, tmp_path):
    raw = format_dump([("a", "first text"), ("b", "other"), ("a", "second text")], "banner").encode()
    result = load(con, tmp_path, raw)

    assert rows(con, "SELECT name, text FROM documents ORDER BY ordinal") == [("a", "first text"), ("b", "other")]
    [(ordinal, name, reason, detail, start, end)] = rows(
        con, "SELECT ordinal, name, reason, detail, byte_start, byte_end FROM rejects"
    )
    assert (ordinal, name, reason) == (3, "a", "duplicate_name")
    assert detail == "a document named 'a' already came at #1"
    assert raw[start:end] == b"second text"
    assert result.reject_reasons == {"duplicate_name": 1}
    assert (result.summary.n_documents, result.summary.n_rejects) == (2, 1)
    assert rows(con, "SELECT n_documents, n_rejects FROM dumps") == [(2, 1)]
    assert ingest.byte_conservation_violations(con, None) == []


def test_same_text_under_another_name_is_rejected_naming_the_first(con, tmp_path):
    docs = [("a", "same words\nhere"), ("b", "different"), ("c", "same words\r\nhere")]
    raw = format_dump(docs, "markdown").encode()
    load(con, tmp_path, raw)
    assert rows(con, "SELECT name FROM documents ORDER BY ordinal") == [("a",), ("b",)]
    assert rows(con, "SELECT name, reason, detail FROM rejects") == [
        ("c", "duplicate_content", "same text as document #1 'a'")
    ]


def test_duplicates_only_count_within_one_dump(con, tmp_path):
    raw = format_dump([("a", "shared text")], "banner").encode()
    load(con, tmp_path, raw, "one.txt")
    load(con, tmp_path, raw, "two.txt")
    assert rows(con, "SELECT count(*), count(DISTINCT doc_id) FROM documents") == [(2, 2)]
    assert rows(con, "SELECT count(*) FROM rejects") == [(0,)]


def test_reload_replaces_rows_and_keeps_duplicate_rejects_once(con, tmp_path):
    raw = format_dump([("a", "x"), ("a", "y"), ("b", "x")], "banner").encode()
    load(con, tmp_path, raw)
    load(con, tmp_path, raw)
    assert rows(con, "SELECT name, reason FROM rejects ORDER BY ordinal") == [
        ("a", "duplicate_name"), ("b", "duplicate_content"),
    ]
    assert rows(con, "SELECT name, text FROM documents") == [("a", "x")]


def test_old_warehouse_with_documents_primary_key_is_migrated(tmp_path):
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as old:
        old.execute("CREATE TABLE documents (doc_id VARCHAR PRIMARY KEY, dump_id VARCHAR NOT NULL, "
                    "ordinal INTEGER NOT NULL, name VARCHAR NOT NULL, marker_start BIGINT NOT NULL, "
                    "byte_start BIGINT NOT NULL, byte_end BIGINT NOT NULL, record_end BIGINT NOT NULL, "
                    "line_start INTEGER NOT NULL, line_end INTEGER NOT NULL, text VARCHAR NOT NULL, "
                    "n_chars INTEGER NOT NULL, n_words INTEGER NOT NULL, content_sha256 VARCHAR NOT NULL, "
                    "decode_errors INTEGER NOT NULL)")
        old.execute("INSERT INTO documents VALUES ('id', 'd', 1, 'n', 0, 0, 1, 1, 1, 1, 't', 1, 1, 'h', 0)")
    with connect(path) as con:
        apply_schema(con)
        apply_schema(con)  # idempotent once migrated
        assert rows(con, "SELECT doc_id, text FROM documents") == [("id", "t")]
        load(con, tmp_path, format_dump([("a", "x"), ("a", "y")], "banner").encode())
        assert rows(con, "SELECT reason FROM rejects") == [("duplicate_name",)]


def test_connections_bound_duckdb_memory(tmp_path):
    with connect(tmp_path / "w.duckdb") as con:
        (limit,) = con.execute("SELECT current_setting('memory_limit')").fetchone()
    with connect(tmp_path / "w.duckdb", memory_limit=None) as con:
        (default,) = con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert limit.startswith("488") and limit != default  # 512 MB, as DuckDB prints it in MiB


@pytest.mark.parametrize("failing_batch", [1, 3])
def test_a_failed_insert_fails_the_load_and_keeps_the_old_rows(con, tmp_path, monkeypatch,
                                                                                   failing_batch):
    # Batches of 2 rows: the first insert fails, or a later one after others went in.
    old = format_dump([("old", "the rows of the last good load")], "banner").encode()
    load(con, tmp_path, old)
    monkeypatch.setattr(ingest, "BATCH_ROWS", 2)
    calls = []
    real_insert = ingest.insert_arrow

    def flaky_insert(connection, table, batch):
        calls.append(table)
        if len(calls) == failing_batch:
            raise duckdb.IOException("disk full (simulated)")
        real_insert(connection, table, batch)

    monkeypatch.setattr(ingest, "insert_arrow", flaky_insert)
    new = format_dump([(f"doc{i}", f"text number {i}") for i in range(9)], "banner").encode()
    with pytest.raises(duckdb.IOException, match="disk full"):
        load(con, tmp_path, new)
    assert rows(con, "SELECT name, text FROM documents") == [("old", "the rows of the last good load")]
    assert ingest.byte_conservation_violations(con, None) == []


def test_a_dump_written_in_many_batches_arrives_whole_and_in_order(con, tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "BATCH_ROWS", 3)
    docs = [(f"doc{i:02d}", f"text number {i}") for i in range(40)]
    load(con, tmp_path, format_dump(docs, "banner").encode())
    assert rows(con, "SELECT name, text FROM documents ORDER BY ordinal") == docs
    assert rows(con, "SELECT list(ordinal ORDER BY ordinal) = range(1, 41) FROM documents") == [(True,)]
